#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan: the `fuzz` preset) and runs each for a
# bounded time on its checked-in corpus (fuzz/corpus/<target>, reproducers of fixed defects
# included). Any crash, sanitizer report or broken invariant fails the run; the crashing input is
# kept in build/fuzz/artifacts. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v clang++ >/dev/null || { echo "FATAL: clang++ not installed (scripts/setup.sh)" >&2; exit 1; }

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
build=build/fuzz
mkdir -p "$build/artifacts"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
run_target() {  # TARGET: runs it for $seconds on its corpus; prints one line, fails on a finding
    local target=$1 work="$build/corpus/$1" log="$build/fuzz_$1.log" runs
    mkdir -p "$work"
    # New inputs go to the scratch corpus; the checked-in one is read only.
    if ! "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
        "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
        echo "fuzz: $target FAILED (input kept under $build/artifacts):" >&2
        tail -40 "$log" >&2
        return 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
    echo "fuzz: $target: $runs executions in ${seconds} s, no crash"
}

# Each fuzzer is one process on one core: as many run at once as there are cores.
targets=(http_request json_body jwt jwks query_path dotenv)
parallel=$(nproc)
status=0
for ((i = 0; i < ${#targets[@]}; i += parallel)); do
    pids=()
    for target in "${targets[@]:i:parallel}"; do
        run_target "$target" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
exit "$status"
