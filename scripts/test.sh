#!/usr/bin/env bash
# The whole test suite, both storage backends: installs dependencies, builds the `ci` preset
# (warnings as errors), runs the static checks (scripts/lint.sh) and the fuzzers (scripts/fuzz.sh),
# starts a throwaway PostgreSQL cluster, runs every test through ctest, then the whole suite again
# on the ASan + UBSan build (scripts/sanitize.sh), stops the cluster. Fails
# loudly when PostgreSQL cannot be started; never skips it. Arguments go to ctest
# (e.g. `scripts/test.sh -L unit`).
#
# The Citus target (ctest preset `citus`): a coordinator and two workers (scripts/citus_cluster.sh)
# and, against the coordinator, every PostgreSQL test (storage contract, PostgreSQL-specific,
# e2e over HTTP, multi-instance, faults, MCP clients) plus the Citus-only ones. Part of the
# default run whenever Citus is installed into PostgreSQL 15, or when TASKCORE_CITUS_BUILD names
# a script that installs it (run first). Citus is not a Debian package: without it the run says
# in one line that the Citus target did not run, and how to run it; with TASKCORE_CITUS_REQUIRED
# set (CI) that fails the run instead.
# `scripts/test.sh --citus [ctest args]`: the Citus target alone (fails when Citus is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

# citus_installed, citus_cluster_start and citus_cluster_stop (functions only).
source scripts/citus_cluster.sh

# TASKCORE_CITUS_BUILD runs beside the C++ build, not before it: it is mostly serial (apt,
# configure), so on 2 cores it overlaps the build at little cost (on a fresh machine a Citus build
# takes 5-6 min alone). Its output goes to build/citus-build.log.
citus_build_pid=""
start_citus_build() {
    [ -n "${TASKCORE_CITUS_BUILD:-}" ] || return 0
    mkdir -p build
    # Its own process group (setsid), so stop_citus_build can end its make too.
    setsid "$TASKCORE_CITUS_BUILD" >build/citus-build.log 2>&1 &
    citus_build_pid=$!
}
finish_citus_build() {
    [ -n "$citus_build_pid" ] || return 0
    local pid=$citus_build_pid
    citus_build_pid=""
    if ! wait "$pid"; then
        echo "FATAL: $TASKCORE_CITUS_BUILD failed; its output:" >&2
        cat build/citus-build.log >&2
        return 1
    fi
    cat build/citus-build.log
}
# A run that stops early does not leave the Citus build going.
stop_citus_build() {
    [ -z "$citus_build_pid" ] || kill -- "-$citus_build_pid" 2>/dev/null || true
}
trap stop_citus_build EXIT

# Runs the Citus target when Citus is (or can be) installed; fails when it cannot and CI wants it.
run_citus_target() {
    finish_citus_build
    if ! citus_installed; then
        if [ -n "${TASKCORE_CITUS_REQUIRED:-}" ]; then
            echo "FATAL: the Citus target is required (TASKCORE_CITUS_REQUIRED) but Citus is not installed" >&2
            return 1
        fi
        echo "test: the Citus target did not run: Citus is not installed (TASKCORE_CITUS_BUILD=<path to a script that installs it> scripts/test.sh, or install it and run scripts/test.sh --citus; docs/scale-out.md)"
        return 0
    fi
    (
        trap citus_cluster_stop EXIT
        citus_cluster_start
        ctest --preset citus --no-tests=error "$@"
    )
}

# Runs one stage and prints how long it took (the breakdown of a CI run's time).
stage() {
    local name=$1 start=$SECONDS
    shift
    "$@"
    echo "test.sh: stage '$name' took $((SECONDS - start)) s (total $SECONDS s)"
}

stage setup scripts/setup.sh
if [ "$#" -eq 0 ] || [ "$1" = --citus ]; then
    start_citus_build
fi
build_dir=build/ci
cmake --preset ci ${TASKCORE_CMAKE_ARGS:-} >/dev/null
stage "build ci" cmake --build --preset ci
# Test-only npm packages, pinned by their lock files: a real Better Auth server and the official
# MCP clients (tests/interop); Redocly CLI, openapi-typescript, TypeScript and playwright-core
# (tests/openapi).
stage npm npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
npm ci --prefix tests/openapi --no-audit --no-fund --loglevel=error

if [ "${1:-}" = --citus ]; then
    shift
    TASKCORE_CITUS_REQUIRED=1 stage citus run_citus_target "$@"
    exit 0
fi
stage lint scripts/lint.sh "$build_dir"
# libFuzzer targets (clang, ASan + UBSan) on their checked-in corpora, bounded per target.
stage fuzz scripts/fuzz.sh "${TASKCORE_FUZZ_SECONDS:-30}"

source scripts/pg_cluster.sh
trap 'pg_cluster_stop; stop_citus_build' EXIT
pg_cluster_start

stage "tests (ci)" ctest --preset ci "$@"
if [ "$#" -eq 0 ]; then
    stage citus run_citus_target
    # The same suite again on the ASan + UBSan tree.
    stage sanitizers scripts/sanitize.sh
fi
