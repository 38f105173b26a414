#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks: `source` it, then pg_cluster_start.
# initdb runs as the `postgres` OS user when we are root (PostgreSQL refuses to run as root),
# in a temp dir, listening on a free loopback port only. pg_cluster_stop removes everything.
# Exports: PG_CLUSTER_DIR, PG_CLUSTER_PORT, TASKCORE_TEST_PG_URL, and TASKCORE_TEST_PG_STOP,
# TASKCORE_TEST_PG_CRASH, TASKCORE_TEST_PG_START (shell commands the fault tests use to take the
# database down and up). The cluster also accepts TLS (a throwaway self-signed certificate), for
# the tests of sslmode URLs; TASKCORE_TEST_PG_URL itself says sslmode=disable, so everything else
# runs as before.

pg_cluster_bindir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

pg_cluster_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_cluster_start() {
    local bindir
    bindir=$(pg_cluster_bindir) || {
        echo "FATAL: PostgreSQL server binaries not found (install the 'postgresql' package: scripts/setup.sh)" >&2
        return 1
    }
    PG_CLUSTER_DIR=$(mktemp -d /tmp/taskcore-pg.XXXXXX)
    chmod 755 "$PG_CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_CLUSTER_DIR"
    if ! pg_cluster_as_owner "$bindir/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres -A trust \
            -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
        echo "FATAL: initdb failed:" >&2; cat "$PG_CLUSTER_DIR/initdb.log" >&2
        return 1
    fi
    # A self-signed certificate for TLS connections (sslmode=require; no CA to verify against).
    if ! openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" \
            -keyout "$PG_CLUSTER_DIR/server.key" -out "$PG_CLUSTER_DIR/server.crt" >/dev/null 2>&1; then
        echo "FATAL: openssl could not make the test cluster's certificate" >&2
        return 1
    fi
    chmod 600 "$PG_CLUSTER_DIR/server.key"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_CLUSTER_DIR/server.key" "$PG_CLUSTER_DIR/server.crt"
    local as_owner=""
    [ "$(id -u)" = 0 ] && as_owner="runuser -u postgres --"
    PG_CLUSTER_CTL="$as_owner $bindir/pg_ctl -D $PG_CLUSTER_DIR/data"
    local attempt port options
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(( 20000 + RANDOM % 40000 ))
        pg_cluster_port_free "$port" || continue
        # fsync off: a throwaway cluster trades durability for test speed.
        options="-p $port -k $PG_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c ssl=on -c ssl_cert_file=$PG_CLUSTER_DIR/server.crt -c ssl_key_file=$PG_CLUSTER_DIR/server.key"
        if $PG_CLUSTER_CTL -w -t 30 -l "$PG_CLUSTER_DIR/server.log" -o "$options" start >/dev/null 2>&1; then
            PG_CLUSTER_PORT=$port
            break
        fi
    done
    if [ -z "${PG_CLUSTER_PORT:-}" ]; then
        echo "FATAL: PostgreSQL did not start; its log:" >&2
        cat "$PG_CLUSTER_DIR/server.log" >&2 2>/dev/null
        return 1
    fi
    pg_cluster_as_owner "$bindir/createdb" -h 127.0.0.1 -p "$PG_CLUSTER_PORT" -U postgres taskcore_test || {
        echo "FATAL: createdb failed" >&2; return 1; }
    TASKCORE_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PG_CLUSTER_PORT/taskcore_test?sslmode=disable"
    TASKCORE_TEST_PG_STOP="$PG_CLUSTER_CTL -m fast -w stop"
    # -m immediate: every backend is killed without a checkpoint, so the restart runs crash recovery.
    TASKCORE_TEST_PG_CRASH="$PG_CLUSTER_CTL -m immediate -w stop"
    TASKCORE_TEST_PG_START="$PG_CLUSTER_CTL -w -t 30 -l $PG_CLUSTER_DIR/server.log -o '$options' start"
    export PG_CLUSTER_DIR PG_CLUSTER_PORT PG_CLUSTER_CTL TASKCORE_TEST_PG_URL TASKCORE_TEST_PG_STOP \
        TASKCORE_TEST_PG_CRASH TASKCORE_TEST_PG_START
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_CLUSTER_PORT ($PG_CLUSTER_DIR)"
}

pg_cluster_stop() {
    [ -n "${PG_CLUSTER_DIR:-}" ] || return 0
    $PG_CLUSTER_CTL -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_CLUSTER_DIR"
    unset PG_CLUSTER_DIR PG_CLUSTER_PORT TASKCORE_TEST_PG_URL TASKCORE_TEST_PG_STOP TASKCORE_TEST_PG_CRASH \
        TASKCORE_TEST_PG_START
}
