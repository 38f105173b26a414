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
for target in http_request json_body jwt jwks query_path dotenv; do
    work="$build/corpus/$target"
    mkdir -p "$work"
    log="$build/fuzz_$target.log"
    # New inputs go to the scratch corpus; the checked-in one is read only.
    if ! "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
        "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
        echo "fuzz: $target FAILED (input kept under $build/artifacts):" >&2
        tail -40 "$log" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
    echo "fuzz: $target: $runs executions in ${seconds} s, no crash"
done
