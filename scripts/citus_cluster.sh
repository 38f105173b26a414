#!/usr/bin/env bash
# Throwaway Citus cluster for the Citus test target (`scripts/test.sh --citus`): a coordinator and
# two workers on loopback, each a PostgreSQL 15 with the citus extension. `source` it, then
# citus_cluster_start; citus_cluster_stop removes everything. Citus is not a Debian package: it
# must already be installed into PostgreSQL 15 (citus.so); when it is not, start fails loudly.
# Exports TASKCORE_TEST_PG_URL (the coordinator's taskcore_test database, where the extension is
# created and the workers are registered), TASKCORE_TEST_CITUS_WORKERS (the worker ports: tests
# that make a database of their own make it a Citus one), TASKCORE_TEST_PG_STOP / _CRASH / _START
# (the coordinator, for the fault tests), TASKCORE_TEST_CITUS_WORKER_CRASH / _START and
# TASKCORE_TEST_CITUS_WORKER_PORT (the first worker, for the worker-failure test),
# CITUS_CLUSTER_DIR, CITUS_COORDINATOR_PORT and CITUS_WORKER_PORTS.

# shellcheck source=scripts/pg_cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg_cluster.sh"

# Ports below the kernel's ephemeral range (32768-60999): those can be briefly held by other
# sockets, and a worker that fails to bind would fail the whole cluster.
citus_cluster_free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 15000 + RANDOM % 17000 ))
        pg_cluster_port_free "$p" && pg_cluster_port_free $((p + 1)) && pg_cluster_port_free $((p + 2)) &&
            { echo "$p"; return 0; }
    done
    return 1
}

citus_cluster_psql() {  # PORT SQL
    pg_cluster_as_owner "$CITUS_BINDIR/psql" -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" \
        -U postgres -d taskcore_test -c "$2"
}

# Where PostgreSQL's citus.so belongs; true when it is there.
citus_library() {
    local bindir
    bindir=$(pg_cluster_bindir 2>/dev/null) || bindir=/usr/lib/postgresql/15/bin
    echo "$("$bindir/pg_config" --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)/citus.so"
}
citus_installed() {
    [ -f "$(citus_library)" ]
}

citus_cluster_start() {
    CITUS_BINDIR=$(pg_cluster_bindir) || {
        echo "FATAL: PostgreSQL server binaries not found (scripts/setup.sh installs them)" >&2
        return 1
    }
    if ! citus_installed; then
        echo "FATAL: Citus is not installed ($(citus_library) is missing). Citus is not packaged" >&2
        echo "       for Debian: build it from its source into PostgreSQL 15 (docs/scale-out.md)." >&2
        return 1
    fi
    CITUS_CLUSTER_DIR=$(mktemp -d /tmp/taskcore-citus.XXXXXX)
    chmod 755 "$CITUS_CLUSTER_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$CITUS_CLUSTER_DIR"
    local as_owner=""
    [ "$(id -u)" = 0 ] && as_owner="runuser -u postgres --"
    local base
    base=$(citus_cluster_free_port) || { echo "FATAL: no free ports for Citus" >&2; return 1; }
    CITUS_COORDINATOR_PORT=$base
    CITUS_WORKER_PORTS="$((base + 1)) $((base + 2))"
    local port node
    for port in $CITUS_COORDINATOR_PORT $CITUS_WORKER_PORTS; do
        node=$CITUS_CLUSTER_DIR/node-$port
        local options="-p $port -k $CITUS_CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_preload_libraries=citus -c citus.max_client_connections=250"
        if ! pg_cluster_as_owner "$CITUS_BINDIR/initdb" -D "$node" -U postgres -A trust -E UTF8 \
                --locale=C.UTF-8 --no-sync >"$CITUS_CLUSTER_DIR/initdb-$port.log" 2>&1; then
            echo "FATAL: initdb failed:" >&2; cat "$CITUS_CLUSTER_DIR/initdb-$port.log" >&2
            return 1
        fi
        # fsync off: a throwaway cluster trades durability for test speed.
        if ! $as_owner "$CITUS_BINDIR/pg_ctl" -D "$node" -w -t 60 -l "$node.log" -o "$options" \
                start >/dev/null 2>&1; then
            echo "FATAL: Citus node on port $port did not start; its log:" >&2; cat "$node.log" >&2
            return 1
        fi
        pg_cluster_as_owner "$CITUS_BINDIR/createdb" -h 127.0.0.1 -p "$port" -U postgres taskcore_test ||
            { echo "FATAL: createdb failed on port $port" >&2; return 1; }
        citus_cluster_psql "$port" "CREATE EXTENSION citus" || return 1
        # The commands the fault tests run: the coordinator (as PostgreSQL's), the first worker.
        local ctl="$as_owner $CITUS_BINDIR/pg_ctl -D $node"
        if [ "$port" = "$CITUS_COORDINATOR_PORT" ]; then
            TASKCORE_TEST_PG_STOP="$ctl -m fast -w stop"
            TASKCORE_TEST_PG_CRASH="$ctl -m immediate -w stop"
            TASKCORE_TEST_PG_START="$ctl -w -t 30 -l $node.log -o '$options' start"
        elif [ -z "${TASKCORE_TEST_CITUS_WORKER_PORT:-}" ]; then
            TASKCORE_TEST_CITUS_WORKER_PORT=$port
            TASKCORE_TEST_CITUS_WORKER_CRASH="$ctl -m immediate -w stop"
            TASKCORE_TEST_CITUS_WORKER_START="$ctl -w -t 30 -l $node.log -o '$options' start"
        fi
    done
    citus_cluster_psql "$CITUS_COORDINATOR_PORT" \
        "SELECT citus_set_coordinator_host('127.0.0.1', $CITUS_COORDINATOR_PORT)" >/dev/null || return 1
    for port in $CITUS_WORKER_PORTS; do
        citus_cluster_psql "$CITUS_COORDINATOR_PORT" \
            "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null || return 1
    done
    TASKCORE_TEST_PG_URL="postgresql://postgres@127.0.0.1:$CITUS_COORDINATOR_PORT/taskcore_test"
    TASKCORE_TEST_CITUS_WORKERS=$CITUS_WORKER_PORTS
    export CITUS_CLUSTER_DIR CITUS_COORDINATOR_PORT CITUS_WORKER_PORTS TASKCORE_TEST_PG_URL \
        TASKCORE_TEST_CITUS_WORKERS TASKCORE_TEST_PG_STOP TASKCORE_TEST_PG_CRASH TASKCORE_TEST_PG_START \
        TASKCORE_TEST_CITUS_WORKER_PORT TASKCORE_TEST_CITUS_WORKER_CRASH TASKCORE_TEST_CITUS_WORKER_START
    echo "Citus $(citus_cluster_psql "$CITUS_COORDINATOR_PORT" "SHOW citus.version") coordinator on 127.0.0.1:$CITUS_COORDINATOR_PORT, workers on $CITUS_WORKER_PORTS"
}

citus_cluster_stop() {
    [ -n "${CITUS_CLUSTER_DIR:-}" ] || return 0
    local port
    for port in $CITUS_COORDINATOR_PORT $CITUS_WORKER_PORTS; do
        pg_cluster_as_owner "$CITUS_BINDIR/pg_ctl" -D "$CITUS_CLUSTER_DIR/node-$port" -m immediate \
            stop >/dev/null 2>&1 || true
    done
    rm -rf "$CITUS_CLUSTER_DIR"
    unset CITUS_CLUSTER_DIR CITUS_COORDINATOR_PORT CITUS_WORKER_PORTS TASKCORE_TEST_PG_URL \
        TASKCORE_TEST_CITUS_WORKERS TASKCORE_TEST_PG_STOP TASKCORE_TEST_PG_CRASH TASKCORE_TEST_PG_START \
        TASKCORE_TEST_CITUS_WORKER_PORT TASKCORE_TEST_CITUS_WORKER_CRASH TASKCORE_TEST_CITUS_WORKER_START
}
