#!/usr/bin/env bash
# Reproducible benchmark: builds Release, starts taskcore-server (and a throwaway PostgreSQL for
# --backend postgres), loads data through the HTTP API, runs wrk scenarios, measures the ceilings
# (nginx serving the same static bytes; pgbench running the list query on PostgreSQL) and prints
# a markdown table. Any non-2xx response or socket error marks the run failed (exit 1).
#
#   scripts/bench.sh [--backend sqlite|postgres] [--duration S] [--connections N]
#                    [--users N] [--tasks-per-user N] [--big-user-tasks N] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

backend=sqlite duration=10 connections=32 users=200 per_user=50 big=100000 out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        --tasks-per-user) per_user=$2; shift 2 ;;
        --big-user-tasks) big=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        *) echo "usage: $0 [--backend sqlite|postgres] [--duration S] [--connections N] [--out FILE]" >&2; exit 2 ;;
    esac
done
case "$backend" in sqlite|postgres) ;; *) echo "--backend must be sqlite or postgres" >&2; exit 2 ;; esac

scripts/setup.sh
need=()
for p in wrk nginx-light jq curl; do
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
server_pid="" nginx_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
    if [ "$backend" = postgres ]; then pg_cluster_stop; fi
    rm -rf "$work"
}
trap cleanup EXIT

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
else
    database_url="sqlite:///$work/bench.db"
fi

export BETTER_AUTH_SECRET=benchmark-secret-0123456789abcdef0123456789 LOG_LEVEL=warning HOST=127.0.0.1
export DB_POOL_SIZE=$pool_size DB_MAX_OVERFLOW=$pool_overflow
cd "$work"

now_ms() { date +%s%3N; }
wait_healthy() {  # port -> prints ms waited
    local start; start=$(now_ms)
    until curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1; do sleep 0.002; done
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
wait_healthy "$port" >/dev/null
base="http://127.0.0.1:$port"
rss_kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$server_pid/status"; }
idle_rss=$(rss_kb VmRSS)

run_wrk() {  # name scenario connections data
    BENCH_DIR=$root/scripts/bench BENCH_SCENARIO=$2 BENCH_DATA=$4 \
        wrk -t2 -c"$3" -d"${duration}s" --timeout 10s --latency -s "$root/scripts/bench/scenario.lua" "$base" \
        | awk -v n="$1" '/^RESULT/ {$2 = n; print}'
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

echo "bench: loading $users users x $per_user tasks and one user with $big tasks" >&2
: > users.txt
for i in $(seq 1 "$users"); do
    echo "bench-user-$i $("$bin" token "bench-user-$i" 7200) -" >> users.txt
done
echo "bench-big $("$bin" token bench-big 7200) -" > big.txt
load_tasks users.txt "$per_user"
load_tasks big.txt "$big"

# Task ids and one conversation per user, for the get/toggle/update/message scenarios.
: > tasks.txt; : > convs.txt
while read -r user token _; do
    curl -sf -H "Authorization: Bearer $token" "$base/api/$user/tasks?limit=50" |
        jq -r --arg u "$user" --arg t "$token" '.data[] | "\($u) \($t) \(.id)"' >> tasks.txt
    conv=$(curl -sf -X POST -H "Authorization: Bearer $token" "$base/api/$user/conversations" | jq -r .data.id)
    echo "$user $token $conv" >> convs.txt
done < users.txt
total=$(curl -sf -H "Authorization: Bearer $(cut -d' ' -f2 big.txt)" "$base/api/bench-big/tasks?limit=1" | jq .meta.total)
loaded=$(wc -l < tasks.txt)
echo "bench: loaded; $loaded listed tasks, big user has $total" >&2
load_errors=0
[ "$total" -eq "$big" ] || load_errors=$(( load_errors + 1 ))
[ "$loaded" -eq $(( users * (per_user < 50 ? per_user : 50) )) ] || load_errors=$(( load_errors + 1 ))

results=$work/results.txt
: > "$results"
run_wrk static static 64 users.txt >> "$results"
run_wrk list list "$connections" users.txt >> "$results"
run_wrk list-100k list "$connections" big.txt >> "$results"
run_wrk get get "$connections" tasks.txt >> "$results"
run_wrk create create "$connections" users.txt >> "$results"
run_wrk toggle toggle "$connections" tasks.txt >> "$results"
run_wrk update update "$connections" tasks.txt >> "$results"
run_wrk message message "$connections" convs.txt >> "$results"
run_wrk list-256conn list 256 users.txt >> "$results"
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
fi

# The table.
errors_total=$(( $(awk '{s += $6} END {print s + 0}' "$results") + load_errors ))
{
    echo "### taskcore-server on $backend ($(date -u +%Y-%m-%d), $(nproc) cores, ${duration}s per scenario, $connections connections unless noted)"
    echo
    echo "| scenario | req/s | p50 ms | p99 ms | errors |"
    echo "|---|---:|---:|---:|---:|"
    awk '{printf "| %s | %.0f | %.2f | %.2f | %d |\n", $2, $3, $4, $5, $6}' "$results"
    echo
    static_rps=$(awk '$2 == "static" {print $3}' "$results")
    list_rps=$(awk '$2 == "list" {print $3}' "$results")
    p50_small=$(awk '$2 == "list" {print $4}' "$results")
    p50_big=$(awk '$2 == "list-100k" {print $4}' "$results")
    echo "| measure | value |"
    echo "|---|---:|"
    echo "| nginx, same static bytes, 64 connections | $(printf '%.0f' "$nginx_rps") req/s |"
    echo "| static / nginx | $(awk -v a="$static_rps" -v b="$nginx_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}') |"
    if [ -n "$pgbench_rps" ]; then
        echo "| pgbench list query, $pool_size connections | $(printf '%.0f' "$pgbench_rps") tx/s |"
        echo "| list / pgbench | $(awk -v a="$list_rps" -v b="$pgbench_rps" 'BEGIN {printf "%.0f %%", 100 * a / b}') |"
    fi
    echo "| list p50, 100,000-task user / 50-task user | $(awk -v a="$p50_big" -v b="$p50_small" 'BEGIN {printf "%.2f x", a / b}') |"
    echo "| peak RSS under load | $(( peak_rss / 1024 )) MB |"
    echo "| RSS idle after start | $(( idle_rss / 1024 )) MB |"
    echo "| cold start to healthy /health (median of 5, ms) | $cold_median (${cold[*]}) |"
    echo "| errors (all scenarios and loading) | $errors_total |"
} | tee "$work/table.md"
[ -n "$out" ] && cp "$work/table.md" "$root/$out"
if [ "$errors_total" -ne 0 ]; then
    echo "bench: FAILED: $errors_total errors (non-2xx responses or socket errors)" >&2
    tail -5 "$work/server.log" >&2
    exit 1
fi
