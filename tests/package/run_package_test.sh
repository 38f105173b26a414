#!/usr/bin/env bash
# The Debian packages end to end: cpack builds taskcore-server and libtaskcore-dev from this
# build tree, apt installs them on this machine, the installed binary serves on SQLite (as the
# taskcore user, with the installed environment file, as the unit runs it) and on PostgreSQL,
# the consumer project builds against the installed libtaskcore-dev, systemd-analyze verifies
# the unit, and the packages are purged again (also when a step fails). Needs root (CI runs as
# root) and the cluster of scripts/pg_cluster.sh.
set -euo pipefail
build_dir=$(cd "$1" && pwd) source_dir=$(cd "$2" && pwd) work=$3 libdir=$4  # libdir: CMAKE_INSTALL_LIBDIR

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ "$(id -u)" = 0 ] || fail "this test installs packages with apt: run it as root (CI does)"
[ -n "${TASKCORE_TEST_PG_URL:-}" ] || fail "no PostgreSQL cluster (source scripts/pg_cluster.sh)"
for tool in cpack dpkg-deb dpkg-shlibdeps apt-get systemd-analyze curl setpriv objdump; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run scripts/setup.sh)"
done

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
# What this test creates on the machine, and so removes again.
had_user=no had_state=no server_pid=""
getent passwd taskcore >/dev/null && had_user=yes
[ -e /var/lib/taskcore ] && had_state=yes
cleanup() {
    [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; } || true
    if dpkg-query -W taskcore-server libtaskcore-dev >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq taskcore-server libtaskcore-dev \
            >"$work/cleanup.log" 2>&1 || cat "$work/cleanup.log" >&2
    fi
    [ "$had_state" = yes ] || rm -rf /var/lib/taskcore
    [ "$had_user" = yes ] || ! getent passwd taskcore >/dev/null ||
        userdel taskcore 2>/dev/null || true
}
trap cleanup EXIT

step() { echo "== $*"; }
expect_in() {  # expect_in FILE LINE: the exact line is in the file
    grep -qxF -- "$2" "$1" || fail "$1 lacks the line '$2'"
}

step "cpack -G DEB"
(cd "$build_dir" && cpack -G DEB -B "$work/out") >"$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack failed"; }
server_deb=$(ls "$work"/out/taskcore-server_*.deb)
dev_deb=$(ls "$work"/out/libtaskcore-dev_*.deb)
for deb in "$server_deb" "$dev_deb"; do
    echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"
    dpkg-deb -c "$deb" | awk '{print $6}' | tee "$deb.files"
    dpkg-deb -f "$deb" Package Version Architecture Depends
done
for path in ./usr/bin/taskcore-server ./usr/lib/systemd/system/taskcore.service \
    ./usr/share/taskcore/taskcore.env ./usr/share/taskcore/README.md; do
    expect_in "$server_deb.files" "$path"
done
for path in ./usr/include/taskcore/version.hpp ./usr/include/taskcore/service/task_service.hpp \
    ./usr/include/taskcore/storage/store.hpp "./usr/$libdir/libtaskcore.a" \
    "./usr/$libdir/cmake/taskcore/taskcoreConfig.cmake"; do
    expect_in "$dev_deb.files" "$path"
done
! grep -q '^./usr/bin/' "$dev_deb.files" || fail "libtaskcore-dev ships a binary"
! grep -q '^./usr/include/' "$server_deb.files" || fail "taskcore-server ships headers"
version=$(dpkg-deb -f "$server_deb" Version)

step "apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "$server_deb" "$dev_deb" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log" >&2; fail "apt-get install failed"; }
for pkg in taskcore-server libtaskcore-dev; do
    [ "$(dpkg-query -W -f='${Status} ${Version}' "$pkg")" = "install ok installed $version" ] ||
        fail "$pkg is not installed at $version"
done
[ "$(/usr/bin/taskcore-server version)" = "taskcore-server ${version%-*}" ] ||
    fail "installed binary says '$(/usr/bin/taskcore-server version)', package is $version"

step "runtime dependencies: every library the binary loads comes from a declared dependency"
depends=$(dpkg-query -W -f='${Depends}' taskcore-server)
echo "Depends: $depends"
for lib in $(objdump -p /usr/bin/taskcore-server | awk '$1 == "NEEDED" {print $2}'); do
    path=$(ldconfig -p | awk -v lib="$lib" '$1 == lib && !found {print $NF; found = 1}')
    [ -n "$path" ] || fail "$lib: not found by the dynamic loader"
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path") ||
        fail "$lib ($path) belongs to no package"
    owner=${owner%%:*}
    echo "$lib -> $owner"
    [[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* ]] ||
        fail "$lib comes from $owner, which taskcore-server does not depend on"
done

step "service user, state directory, environment file"
getent passwd taskcore | tee "$work/passwd"
IFS=: read -r _ _ _ _ _ home shell <"$work/passwd"
[ "$home" = /var/lib/taskcore ] || fail "taskcore's home is $home"
[[ "$shell" == */nologin || "$shell" == */false ]] || fail "taskcore can log in ($shell)"
[ "$(stat -c '%U:%G %a' /var/lib/taskcore)" = "taskcore:taskcore 750" ] ||
    fail "/var/lib/taskcore is $(stat -c '%U:%G %a' /var/lib/taskcore)"
env_file=/etc/taskcore/taskcore.env
[ "$(stat -c '%U:%G %a' "$env_file")" = "root:taskcore 640" ] ||
    fail "$env_file is $(stat -c '%U:%G %a' "$env_file")"
grep -Eq '^BETTER_AUTH_SECRET=[0-9a-f]{64}$' "$env_file" || fail "no generated secret in $env_file"

step "systemd-analyze verify"
unit=/usr/lib/systemd/system/taskcore.service
systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; fail "verify failed"; }
[ ! -s "$work/verify.log" ] || { cat "$work/verify.log" >&2; fail "systemd-analyze verify warned"; }
# The hardening stays "OK" or better: exposure (0 safest .. 10) at most 2.0.
exposure=$(systemd-analyze security --offline=true "$unit" 2>&1 | tail -1 | tee /dev/stderr |
    sed -n 's/.*Overall exposure level for taskcore.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "unit exposure $exposure is above 2.0"

# "${as_service[@]}" CMD...: run as the unit does: the taskcore user, the environment file, the
# state directory as working directory. A command, not a function, so `... &` gives the server's
# own pid ($!) and SIGTERM reaches it (setpriv and sh exec).
as_service=(setpriv --reuid=taskcore --regid=taskcore --init-groups -- sh -c
    'cd /var/lib/taskcore && set -a && . /etc/taskcore/taskcore.env && set +a && exec "$@"' sh)
# serve_and_use NAME [VAR=VALUE...]: start the installed server, create and list a task over
# HTTP with a token from `taskcore-server token`, stop it with SIGTERM (exit status 0).
serve_and_use() {
    local name=$1 log="$work/$1.log"
    shift
    "${as_service[@]}" env PORT=0 "$@" /usr/bin/taskcore-server serve >"$log" 2>&1 &
    server_pid=$!
    local base=""
    for _ in $(seq 100); do
        base=$(sed -n '/listening on/{s/.*listening on \(http:\/\/[0-9.:]*\).*/\1/p;q}' "$log")
        [ -n "$base" ] && curl -fsS "$base/health" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "$name: the server exited"; }
        sleep 0.2
    done
    curl -fsS "$base/health" >/dev/null || { cat "$log" >&2; fail "$name: /health never answered"; }
    local user="package-test-$name-$$" token status
    token=$("${as_service[@]}" env "$@" /usr/bin/taskcore-server token "$user")
    status=$(curl -sS -o "$work/$name.created" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d '{"title":"installed from a package"}' "$base/api/$user/tasks")
    [ "$status" = 201 ] || fail "$name: create answered $status: $(cat "$work/$name.created")"
    curl -fsS -H "Authorization: Bearer $token" "$base/api/$user/tasks" >"$work/$name.list"
    grep -q '"title":"installed from a package"' "$work/$name.list" ||
        fail "$name: the list lacks the task: $(cat "$work/$name.list")"
    local id
    id=$(sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p' "$work/$name.created")
    status=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE \
        -H "Authorization: Bearer $token" "$base/api/$user/tasks/$id")
    [ "$status" = 200 ] || fail "$name: delete answered $status"
    kill -TERM "$server_pid"
    local rc=0
    wait "$server_pid" || rc=$?
    server_pid=""
    [ "$rc" = 0 ] || { cat "$log" >&2; fail "$name: exit status $rc after SIGTERM"; }
    echo "$name: $base served create, list, delete; stopped cleanly"
}

step "installed server on SQLite (the packaged configuration)"
serve_and_use sqlite
[ "$(stat -c %U /var/lib/taskcore/taskcore.db)" = taskcore ] ||
    fail "the SQLite database is not in /var/lib/taskcore or not the service user's"

step "installed server on PostgreSQL"
serve_and_use postgres "DATABASE_URL=$TASKCORE_TEST_PG_URL"

step "consumer project against the installed libtaskcore-dev"
env -u CMAKE_PREFIX_PATH cmake -S "$source_dir/tests/install/consumer" -B "$work/consumer" \
    >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log" >&2; fail "consumer configure"; }
expect_in "$work/consumer/CMakeCache.txt" \
    "taskcore_DIR:PATH=/usr/$libdir/cmake/taskcore"
cmake --build "$work/consumer" -j2 >>"$work/consumer.log" 2>&1 ||
    { cat "$work/consumer.log" >&2; fail "consumer build"; }
"$work/consumer/consumer"

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq taskcore-server libtaskcore-dev \
    >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge failed"; }
for pkg in taskcore-server libtaskcore-dev; do
    ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
        fail "$pkg is still installed"
done
for path in /usr/bin/taskcore-server "$unit" /usr/include/taskcore /etc/taskcore; do
    [ ! -e "$path" ] || fail "$path is left after purge"
done
echo "PASS: packages built, installed, served on SQLite and PostgreSQL, consumer built, purged"
