#!/usr/bin/env bash
# The whole test suite, both storage backends: installs dependencies, builds with warnings as
# errors, starts a throwaway PostgreSQL cluster, runs every test through ctest, stops the cluster.
# Fails loudly when PostgreSQL cannot be started; never skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
build_dir=${TASKCORE_BUILD_DIR:-build/test}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTASKCORE_WARNINGS_AS_ERRORS=ON \
    ${TASKCORE_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

# Test-only npm packages (a real Better Auth server for the interop test), pinned by the lock file.
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

source scripts/pg_cluster.sh
trap pg_cluster_stop EXIT
pg_cluster_start

ctest --test-dir "$build_dir" -j"$(nproc)" --output-on-failure --timeout 300 "$@"
