#!/usr/bin/env bash
# The OpenAPI checks of the test command: fetches /openapi.json from the real server, lints it
# with Redocly's recommended rules (zero errors and zero warnings), generates TypeScript types with
# openapi-typescript (their `operations` must name the API's operations) and compiles client.ts
# against them with tsc. Pinned tools: package-lock.json here (scripts/test.sh runs `npm ci`).
# Usage: check.sh /path/to/taskcore-server
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
server_bin="$1"
for tool in redocly openapi-typescript tsc; do
    [ -x "$here/node_modules/.bin/$tool" ] || {
        echo "FAIL: $tool missing: run npm ci --prefix tests/openapi" >&2
        exit 1
    }
done

work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
(cd "$work" && BETTER_AUTH_SECRET=openapi-check-secret-of-32-bytes-or-more DATABASE_URL=sqlite::memory: \
    PORT=0 HOST=127.0.0.1 exec "$server_bin" serve 2>"$work/server.log") &
pid=$!
port=""
for _ in $(seq 100); do
    # The log may not exist yet in the first turns: that is "not started", not a failure.
    port="$(sed -n 's/.*listening on http:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$work/server.log" 2>/dev/null || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
curl -sf "http://127.0.0.1:$port/openapi.json" -o "$work/openapi.json"

# 1. Redocly, recommended rules: the JSON report's totals must be 0 errors and 0 warnings.
"$here/node_modules/.bin/redocly" lint "$work/openapi.json" --config "$here/redocly.yaml" \
    --format=json > "$work/lint.json" 2>/dev/null || true
node -e '
  const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const t = report.totals;
  console.log(`redocly lint (recommended): ${t.errors} errors, ${t.warnings} warnings`);
  for (const p of report.problems) console.log(`  ${p.severity} ${p.ruleId}: ${p.message}`);
  process.exit(t.errors === 0 && t.warnings === 0 ? 0 : 1);
' "$work/lint.json"

# 2. openapi-typescript: `operations` lists every operationId the client below uses.
mkdir -p "$here/generated"
"$here/node_modules/.bin/openapi-typescript" "$work/openapi.json" -o "$here/generated/api.d.ts" \
    --silent
count="$(sed -n '/^export interface operations {/,/^}/p' "$here/generated/api.d.ts" |
    grep -cE '^    [A-Za-z]+: \{')"
echo "openapi-typescript: operations has $count entries"
[ "$count" -ge 15 ] || { echo "FAIL: operations type is (nearly) empty" >&2; exit 1; }
for op in createTask listTasks getTask updateTask deleteTask completeTask listMessages addMessage; do
    grep -qE "^    $op: \{" "$here/generated/api.d.ts" || { echo "FAIL: no $op in operations" >&2; exit 1; }
done

# 3. tsc: a create + list through the typed client compiles; deliberate type errors must fail.
"$here/node_modules/.bin/tsc" -p "$here/tsconfig.json"
echo "tsc --noEmit: client.ts compiles against the generated types"
