#!/usr/bin/env bash
# The whole ctest suite (both backends) on the ASan + UBSan build (`asan` preset), failing on any
# sanitizer report from any process: test binaries and every taskcore-server they start write
# reports to build/asan/sanitizer-reports (log_path in the preset), which must stay empty.
# Needs the PostgreSQL cluster of scripts/pg_cluster.sh running (scripts/test.sh starts it).
# Left out (see the `asan` test preset): the install test (a packaging check; the consumer is not
# built with sanitizers) and the descriptor-exhaustion test (the sanitizer runtime itself needs
# free descriptors: it probes memory through pipe(2), which fails at the limit and turns every
# later vptr check into a false "invalid vptr" report). Both run in the `ci` tree.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${TASKCORE_TEST_PG_URL:-}" ] || { echo "FATAL: no PostgreSQL cluster (source scripts/pg_cluster.sh; pg_cluster_start)" >&2; exit 1; }

cmake --preset asan >/dev/null
cmake --build --preset asan
reports=build/asan/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
status=0
ctest --preset asan "$@" || status=$?
if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize: sanitizer reports:" >&2
    for f in "$reports"/*; do echo "== $f" >&2; head -60 "$f" >&2; done
    exit 1
fi
[ "$status" = 0 ] || exit "$status"
echo "sanitize: ASan + UBSan suite passed with no report"
