#!/usr/bin/env bash
# The whole test suite, both storage backends: installs dependencies, builds the `ci` preset
# (warnings as errors), runs the static checks (scripts/lint.sh) and the fuzzers (scripts/fuzz.sh),
# starts a throwaway PostgreSQL cluster, runs every test through ctest, then the whole suite again
# on the ASan + UBSan build (scripts/sanitize.sh), stops the cluster. Fails
# loudly when PostgreSQL cannot be started; never skips it. Arguments go to ctest
# (e.g. `scripts/test.sh -L unit`).
#
# `scripts/test.sh --citus [ctest args]`: the Citus target instead. Starts a coordinator and two
# workers (scripts/citus_cluster.sh; Citus must be installed, it is not a Debian package) and
# runs the storage contract, the PostgreSQL-specific, the e2e and the Citus-only tests against
# the coordinator (ctest preset `citus`). Fails loudly when Citus is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
build_dir=build/ci
cmake --preset ci ${TASKCORE_CMAKE_ARGS:-} >/dev/null
cmake --build --preset ci

if [ "${1:-}" = --citus ]; then
    shift
    source scripts/citus_cluster.sh
    trap citus_cluster_stop EXIT
    citus_cluster_start
    ctest --preset citus "$@"
    exit 0
fi
scripts/lint.sh "$build_dir"
# libFuzzer targets (clang, ASan + UBSan) on their checked-in corpora, bounded per target.
scripts/fuzz.sh "${TASKCORE_FUZZ_SECONDS:-30}"

# Test-only npm packages (a real Better Auth server for the interop test), pinned by the lock file.
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
# Pinned OpenAPI tools (Redocly CLI, openapi-typescript, TypeScript) for interop.openapi_tools.
npm ci --prefix tests/openapi --no-audit --no-fund --loglevel=error

source scripts/pg_cluster.sh
trap pg_cluster_stop EXIT
pg_cluster_start

ctest --preset ci "$@"
# The same suite again on the ASan + UBSan tree (unless a subset was asked for).
[ "$#" -gt 0 ] || scripts/sanitize.sh
