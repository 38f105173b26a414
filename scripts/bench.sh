#!/usr/bin/env bash
# Reproducible benchmark: builds Release, starts taskcore-server (and a throwaway PostgreSQL for
# --backend postgres), loads data through the HTTP API, runs wrk scenarios, measures the ceilings
# (nginx serving the same static bytes; pgbench running the list query on PostgreSQL) and prints
# a markdown table. Any non-2xx response or socket error marks the run failed (exit 1).
# Per scenario it also reports the server's cost per request: syscalls, context switches and CPU
# microseconds (perf stat on the server process during the run).
#
# --baseline REF builds REF (a commit, tag or branch) too and runs it back to back with this
# build: each server on a database of its own loaded the same way (so a baseline with an older
# schema runs too), each scenario on both, the old one first in odd rounds and last in even ones,
# --rounds times, and prints new/old ratios with their spread. --scenarios picks scenarios.
#
# --backend citus runs the new build alone on a throwaway Citus cluster (scripts/citus_cluster.sh,
# a coordinator and two workers on this machine; Citus must be installed): the events scenario's
# commit-to-delivery p50/p99 there, next to a --backend postgres run's.
#
#   scripts/bench.sh [--backend sqlite|postgres|citus] [--duration S] [--connections N]
#                    [--users N] [--tasks-per-user N] [--big-user-tasks N] [--out FILE]
#                    [--baseline REF] [--rounds N] [--scenarios "health list get ..."]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

backend=sqlite duration=10 connections=32 users=200 per_user=50 big=100000 out="" baseline="" rounds=1
scenarios="static health list mcp-list list-100k get create events toggle update message list-256conn"
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        --tasks-per-user) per_user=$2; shift 2 ;;
        --big-user-tasks) big=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --baseline) baseline=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        *) echo "usage: $0 [--backend sqlite|postgres|citus] [--duration S] [--connections N] [--out FILE]" >&2; exit 2 ;;
    esac
done
case "$backend" in sqlite|postgres|citus) ;; *) echo "--backend must be sqlite, postgres or citus" >&2; exit 2 ;; esac
if [ "$backend" = citus ] && [ -n "$baseline" ]; then
    echo "--baseline compares builds on sqlite or postgres; --backend citus runs this build alone" >&2
    exit 2
fi

scripts/setup.sh
need=()
for p in wrk nginx-light jq curl linux-perf; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "bench: building Release" >&2
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DTASKCORE_BUILD_TESTS=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" --target taskcore-server >/dev/null
bin=$root/build/bench/server/taskcore-server

work=$(mktemp -d /tmp/taskcore-bench.XXXXXX)
chmod 755 "$work"  # nginx workers (user nobody) read the static file from here
server_pid="" nginx_pid="" old_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$old_pid" ] && kill "$old_pid" 2>/dev/null && wait "$old_pid" 2>/dev/null
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    if [ "$backend" = postgres ] && declare -F pg_cluster_stop >/dev/null; then pg_cluster_stop; fi
    if [ "$backend" = citus ] && declare -F citus_cluster_stop >/dev/null; then citus_cluster_stop; fi
    [ -n "$baseline" ] && git -C "$root" worktree remove --force "$work/baseline" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

old_bin=""
if [ -n "$baseline" ]; then
    echo "bench: building the baseline $baseline (Release)" >&2
    git -C "$root" worktree add --detach "$work/baseline" "$baseline" >/dev/null 2>&1
    # The baseline embeds this checkout's Swagger UI files (a fresh worktree has no node_modules).
    cmake -S "$work/baseline" -B "$work/baseline/build" -DCMAKE_BUILD_TYPE=Release \
        -DTASKCORE_BUILD_TESTS=OFF \
        -DTASKCORE_DOCS_UI_DIR="$root/server/docs-ui/node_modules/swagger-ui-dist" >/dev/null
    cmake --build "$work/baseline/build" -j"$(nproc)" --target taskcore-server >/dev/null
    old_bin=$work/baseline/build/server/taskcore-server
fi

free_port() {
    local p
    while :; do
        p=$(( 20000 + RANDOM % 40000 ))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

pool_size=${DB_POOL_SIZE:-5} pool_overflow=${DB_MAX_OVERFLOW:-10}
if [ "$backend" = postgres ]; then
    source scripts/pg_cluster.sh
    pg_cluster_start >&2
    database_url=$TASKCORE_TEST_PG_URL
elif [ "$backend" = citus ]; then
    source scripts/citus_cluster.sh
    citus_cluster_start >&2
    database_url=$TASKCORE_TEST_PG_URL
else
    database_url="sqlite:///$work/bench.db"
fi

export BETTER_AUTH_SECRET=benchmark-secret-0123456789abcdef0123456789 LOG_LEVEL=warning HOST=127.0.0.1
export DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$pool_overflow
cd "$work"

now_ms() { date +%s%3N; }
wait_healthy() {  # port [pid] -> prints ms waited; fails when the process exits first
    local start; start=$(now_ms)
    until curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1; do
        if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then
            echo "bench: the server on port $1 exited during start-up; its log:" >&2
            cat "$work"/*server.log >&2 2>/dev/null
            exit 1
        fi
        sleep 0.002
    done
    echo $(( $(now_ms) - start ))
}

# Cold start: exec to first healthy /health, on a fresh SQLite file each time (median of 5).
cold=()
for i in 1 2 3 4 5; do
    port=$(free_port)
    start=$(now_ms)
    DATABASE_URL="sqlite:///$work/cold-$i.db" PORT=$port "$bin" serve 2>/dev/null &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.002; done
    cold+=($(( $(now_ms) - start )))
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
cold_median=$(printf '%s\n' "${cold[@]}" | sort -n | sed -n 3p)

port=$(free_port)
DATABASE_URL=$database_url PORT=$port "$bin" serve 2>"$work/server.log" &
server_pid=$!
wait_healthy "$port" "$server_pid" >/dev/null
base="http://127.0.0.1:$port"
rss_kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server_pid/status"; }
idle_rss=$(rss_kb VmRSS)

# One scenario against the server at `port` (process `pid`): the wrk RESULT line (name, req/s,
# p50 ms, p99 ms, errors, requests) plus the server's syscalls, context switches and CPU µs per
# request, counted by perf over the same interval.
run_wrk() {  # name scenario connections data [port pid]
    local port=${5:-$port} pid=${6:-$server_pid} counters=$work/perf.txt line
    # Start on an empty write-back queue: the dirty pages of the scenario before (in a paired
    # run, the other build's writes) would otherwise reach the disk during this one and add to
    # its fsync latencies.
    sync
    perf stat -x, -e raw_syscalls:sys_enter,context-switches,task-clock -p "$pid" -o "$counters" \
        -- sleep "$duration" &
    local perf_pid=$!
    line=$(BENCH_DIR=$root/scripts/bench BENCH_SCENARIO=$2 BENCH_DATA=$4 \
        wrk -t2 -c"$3" -d"${duration}s" --timeout 10s --latency -s "$root/scripts/bench/scenario.lua" \
        "http://127.0.0.1:$port" | awk -v n="$1" '/^RESULT/ {$2 = n; print}')
    wait "$perf_pid"
    awk -F, -v line="$line" '
        $3 == "raw_syscalls:sys_enter" {sc = $1} $3 == "context-switches" {cs = $1}
        $3 == "task-clock" {ms = $1}
        END { split(line, f, " "); n = f[7] > 0 ? f[7] : 1
              printf "%s %.2f %.2f %.1f\n", line, sc / n, cs / n, ms * 1000 / n }' "$counters"
}

# Creates `count` tasks for every user in `data` through the API: one curl process, keep-alive,
# 16 requests in flight. The counts are checked afterwards through the API.
load_tasks() {  # data count
    awk -v count="$2" -v base="$base" '{
        for (i = 1; i <= count; i++) {
            if (n++ > 0) print "next"
            printf "url = \"%s/api/%s/tasks\"\nheader = \"Authorization: Bearer %s\"\n", base, $1, $2
            printf "header = \"Content-Type: application/json\"\noutput = \"/dev/null\"\n"
            printf "data = \"{\\\"title\\\":\\\"Task %d\\\",\\\"priority\\\":\\\"%s\\\",\\\"tags\\\":[\\\"bench\\\",\\\"t%d\\\"]}\"\n", i, (i % 3 == 0 ? "high" : (i % 3 == 1 ? "low" : "medium")), i % 7
        }
    }' "$1" > load.curl
    curl -s --no-progress-meter --parallel --parallel-max 16 -K load.curl
}

# Loads one server's database through its API and writes the scenario data files into `dir`:
# users.txt and big.txt (user, token), tasks.txt (user, token, task id), convs.txt (user, token,
# conversation id). Each build gets a database of its own, loaded the same way, so a baseline
# with an older schema version runs too.
load_errors=0
load_database() {  # port dir
    local base="http://127.0.0.1:$1" dir=$2 user token _ conv total loaded
    mkdir -p "$dir"
    echo "bench: loading $users users x $per_user tasks and one user with $big tasks ($dir)" >&2
    : > "$dir/users.txt"
    for i in $(seq 1 "$users"); do
        echo "bench-user-$i $("$bin" token "bench-user-$i" 7200) -" >> "$dir/users.txt"
    done
    echo "bench-big $("$bin" token bench-big 7200) -" > "$dir/big.txt"
    base=$base load_tasks "$dir/users.txt" "$per_user"
    base=$base load_tasks "$dir/big.txt" "$big"
    # Task ids and one conversation per user, for the get/toggle/update/message scenarios.
    : > "$dir/tasks.txt"; : > "$dir/convs.txt"
    while read -r user token _; do
        curl -sf -H "Authorization: Bearer $token" "$base/api/$user/tasks?limit=50" |
            jq -r --arg u "$user" --arg t "$token" '.data[] | "\($u) \($t) \(.id)"' >> "$dir/tasks.txt"
        conv=$(curl -sf -X POST -H "Authorization: Bearer $token" "$base/api/$user/conversations" | jq -r .data.id)
        echo "$user $token $conv" >> "$dir/convs.txt"
    done < "$dir/users.txt"
    total=$(curl -sf -H "Authorization: Bearer $(cut -d' ' -f2 "$dir/big.txt")" "$base/api/bench-big/tasks?limit=1" | jq .meta.total)
    loaded=$(wc -l < "$dir/tasks.txt")
    echo "bench: loaded; $loaded listed tasks, big user has $total" >&2
    [ "$total" -eq "$big" ] || load_errors=$(( load_errors + 1 ))
    [ "$loaded" -eq $(( users * (per_user < 50 ? per_user : 50) )) ] || load_errors=$(( load_errors + 1 ))
}
load_database "$port" "$work/new"

if [ -n "$old_bin" ]; then
    if [ "$backend" = postgres ]; then
        pg_cluster_as_owner "$(pg_cluster_bindir)/createdb" -h 127.0.0.1 -p "$PG_CLUSTER_PORT" \
            -U postgres taskcore_bench_old
        old_database_url="postgresql://postgres@127.0.0.1:$PG_CLUSTER_PORT/taskcore_bench_old?sslmode=disable"
    else
        old_database_url="sqlite:///$work/bench-old.db"
    fi
    old_port=$(free_port)
    DATABASE_URL=$old_database_url PORT=$old_port "$old_bin" serve 2>"$work/old-server.log" &
    old_pid=$!
    wait_healthy "$old_port" "$old_pid" >/dev/null
    load_database "$old_port" "$work/old"
fi

scenario_args() {  # name -> scenario connections data
    case "$1" in
        static) echo "static 64 users.txt" ;;
        health) echo "health $connections users.txt" ;;
        list-100k) echo "list $connections big.txt" ;;
        list-256conn) echo "list 256 users.txt" ;;
        get|toggle|update) echo "$1 $connections tasks.txt" ;;
        message) echo "message $connections convs.txt" ;;
        *) echo "$1 $connections users.txt" ;;
    esac
}
# The events scenario: the create scenario again while 100 users each hold an event stream
# (scripts/bench/events.mjs); compare its req/s with create's. New build only: older builds
# have no streams.
run_events() {  # -> the run_wrk line; the streams' RESULT line goes to events.txt
    node "$root/scripts/bench/events.mjs" "$base" "$work/new/users.txt" 100 $((duration + 2)) \
        > "$work/events.out" &
    local streams_pid=$!
    for _ in $(seq 400); do grep -q '^open' "$work/events.out" && break; sleep 0.05; done
    grep -q '^open' "$work/events.out" || { echo "bench: event streams did not open" >&2; exit 1; }
    run_wrk events create "$connections" "$work/new/users.txt"
    wait "$streams_pid"
    awk '/^RESULT/' "$work/events.out" >> "$work/events.txt"
}
: > "$work/events.txt"
results=$work/results.txt old_results=$work/old-results.txt
: > "$results"; : > "$old_results"
for round in $(seq 1 "$rounds"); do
    for name in $scenarios; do
        # shellcheck disable=SC2046
        set -- $(scenario_args "$name")
        if [ "$name" = events ]; then
            run_events | sed "s/^/r$round /" >> "$results"
            continue
        fi
        # Odd rounds run the old build first, even rounds the new one: whatever one run leaves
        # behind (a checkpoint still writing back, a warm cache) falls on each build alike.
        if [ -n "$old_bin" ] && [ $((round % 2)) -eq 1 ]; then
            run_wrk "$name" "$1" "$2" "$work/old/$3" "$old_port" "$old_pid" | sed "s/^/r$round /" >> "$old_results"
        fi
        run_wrk "$name" "$1" "$2" "$work/new/$3" | sed "s/^/r$round /" >> "$results"
        if [ -n "$old_bin" ] && [ $((round % 2)) -eq 0 ]; then
            run_wrk "$name" "$1" "$2" "$work/old/$3" "$old_port" "$old_pid" | sed "s/^/r$round /" >> "$old_results"
        fi
    done
done
peak_rss=$(rss_kb VmHWM)

# Ceiling 1: nginx serving the same static bytes on loopback.
curl -sf "$base/openapi.json" > openapi.json
nginx_port=$(free_port)
cat > nginx.conf <<NGINX
daemon off; worker_processes 1; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; root $work;
    location = /openapi.json { default_type "application/json; charset=utf-8"; } } }
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/openapi.json" >/dev/null && break; sleep 0.05; done
nginx_rps=$(wrk -t2 -c64 -d"${duration}s" "http://127.0.0.1:$nginx_port/openapi.json" | awk '/Requests\/sec/ {print $2}')

# Ceiling 2: pgbench running what one list request runs, as prepared statements, with the
# server's number of database connections.
pgbench_rps=""
if [ "$backend" = postgres ]; then
    cat > list.sql <<SQL
\set n random(1, $users)
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT count(*) FROM tasks WHERE user_id = 'bench-user-' || :n;
SELECT id::text, user_id, title, description, completed, priority, due_date, tags::text, completed_at, created_at, updated_at FROM tasks WHERE user_id = 'bench-user-' || :n ORDER BY created_at DESC, id DESC LIMIT 50;
COMMIT;
SQL
    pgbench_rps=$(pgbench -n -M prepared -c "$pool_size" -j 2 -T "$duration" -f list.sql "$database_url" 2>/dev/null |
        awk '/^tps/ {print $3; exit}')
    # Ceiling 3: the get statement pipelined 16 deep from 2 clients (statements per second).
    {
        echo '\startpipeline'
        shuf -n 16 new/tasks.txt | while read -r user _ id; do
            echo "SELECT id::text, user_id, title, description, completed, priority, (date_part('epoch', due_date AT TIME ZONE 'UTC') * 1000)::bigint, tags::text, (date_part('epoch', completed_at AT TIME ZONE 'UTC') * 1000)::bigint, (date_part('epoch', created_at AT TIME ZONE 'UTC') * 1000)::bigint, (date_part('epoch', updated_at AT TIME ZONE 'UTC') * 1000)::bigint FROM tasks WHERE user_id = '$user' AND id = '$id'::uuid;"
        done
        echo '\endpipeline'
    } > get-pipelined.sql
    pipelined_tps=$(pgbench -n -M prepared -c 2 -j 2 -T "$duration" -f get-pipelined.sql "$database_url" 2>/dev/null |
        awk '/^tps/ {print $3; exit}')
    pipelined_sps=$(awk -v t="$pipelined_tps" 'BEGIN {printf "%.0f", t * 16}')
fi

# The table.
errors_total=$(( $(awk '{s += $7} END {print s + 0}' "$results" "$old_results") + load_errors ))
{
    echo "### taskcore-server on $backend ($(date -u +%Y-%m-%d), $(nproc) cores, ${duration}s per scenario, $connections connections unless noted)"
    echo
    echo "| round | scenario | req/s | p50 ms | p99 ms | errors | syscalls/req | ctx switches/req | CPU µs/req |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    awk '{printf "| %s | %s | %.0f | %.2f | %.2f | %d | %.2f | %.2f | %.1f |\n", $1, $3, $4, $5, $6, $7, $9, $10, $11}' "$results"
    echo
    if [ -n "$old_bin" ]; then
        echo "#### new build / baseline $baseline ($(git -C "$root" rev-parse --short "$baseline")), same run, same data (a database each, loaded alike)"
        echo
        echo "| scenario | baseline req/s (p99 ms) | new req/s (p99 ms) | new / baseline (min–max over $rounds rounds) | syscalls/req | ctx switches/req | CPU µs/req |"
        echo "|---|---:|---:|---:|---:|---:|---:|"
        awk 'NR == FNR {o[$1 " " $3] = $0; next}
             { split(o[$1 " " $3], b, " "); k = $3
               r = $4 / b[4]; n[k]++; sum[k] += r
               if (!(k in lo) || r < lo[k]) lo[k] = r; if (!(k in hi) || r > hi[k]) hi[k] = r
               orps[k] += b[4]; nrps[k] += $4; op99[k] += b[6]; np99[k] += $6
               osc[k] += b[9]; nsc[k] += $9; ocs[k] += b[10]; ncs[k] += $10; ocpu[k] += b[11]; ncpu[k] += $11
               if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
             END { for (i = 1; i <= m; i++) { k = order[i]; c = n[k]
               printf "| %s | %.0f (%.1f) | %.0f (%.1f) | %.2f (%.2f–%.2f) | %.1f → %.1f | %.2f → %.2f | %.0f → %.0f |\n",
                 k, orps[k] / c, op99[k] / c, nrps[k] / c, np99[k] / c, sum[k] / c, lo[k], hi[k],
                 osc[k] / c, nsc[k] / c, ocs[k] / c, ncs[k] / c, ocpu[k] / c, ncpu[k] / c } }' \
            "$old_results" "$results"
        echo
    fi
    static_rps=$(awk '$3 == "static" {print $4; exit}' "$results")
    list_rps=$(awk '$3 == "list" {print $4; exit}' "$results")
    p50_small=$(awk '$3 == "list" {print $5; exit}' "$results")
    p50_big=$(awk '$3 == "list-100k" {print $5; exit}' "$results")
    echo "| measure | value |"
    echo "|---|---:|"
    echo "| nginx, same static bytes, 64 connections | $(printf '%.0f' "$nginx_rps") req/s |"
    [ -n "$static_rps" ] && echo "| static / nginx | $(awk -v a="$static_rps" -v b="$nginx_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}') |"
    if [ -n "$pgbench_rps" ]; then
        echo "| pgbench list query, $pool_size connections | $(printf '%.0f' "$pgbench_rps") tx/s |"
        [ -n "$list_rps" ] && echo "| list / pgbench | $(awk -v a="$list_rps" -v b="$pgbench_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}') |"
        echo "| pgbench get statement pipelined 16 deep, 2 clients | $pipelined_sps statements/s |"
    fi
    [ -n "$p50_big" ] && [ -n "$p50_small" ] && echo "| list p50, 100,000-task user / 50-task user | $(awk -v a="$p50_big" -v b="$p50_small" 'BEGIN {printf "%.2f x", a / b}') |"
    if [ -s "$work/events.txt" ]; then
        create_rps=$(awk '$3 == "create" {s += $4; n++} END {if (n) print s / n}' "$results")
        events_rps=$(awk '$3 == "events" {s += $4; n++} END {if (n) print s / n}' "$results")
        [ -n "$create_rps" ] && echo "| creates/s with 100 open streams / without | $(awk -v a="$events_rps" -v b="$create_rps" 'BEGIN {printf "%.2f", a / b}') |"
        awk '{printf "| event delivery, write to stream (%d events on %d streams) | p50 %d ms, p99 %d ms, max %d ms |\n", $3, $7, $4, $5, $6}' "$work/events.txt"
    fi
    echo "| peak RSS under load | $(( peak_rss / 1024 )) MB |"
    echo "| RSS idle after start | $(( idle_rss / 1024 )) MB |"
    echo "| cold start to healthy /health (median of 5, ms) | $cold_median (${cold[*]}) |"
    echo "| errors (all scenarios and loading) | $errors_total |"
} | tee "$work/table.md"
if [ -n "$out" ]; then
    case "$out" in /*) cp "$work/table.md" "$out" ;; *) cp "$work/table.md" "$root/$out" ;; esac
fi
if [ "$errors_total" -ne 0 ]; then
    echo "bench: FAILED: $errors_total errors (non-2xx responses or socket errors)" >&2
    tail -5 "$work/server.log" >&2
    exit 1
fi
