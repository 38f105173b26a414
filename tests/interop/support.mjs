// Shared by the interop tests: counted checks, throwaway PostgreSQL databases and a real
// taskcore-server process. Needs TASKCORE_SERVER_BIN, and TASKCORE_TEST_PG_URL for PostgreSQL
// (both set by ctest and scripts/test.sh); a missing one fails the test, never skips it.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const serverBin = process.env.TASKCORE_SERVER_BIN;
export const pgUrl = process.env.TASKCORE_TEST_PG_URL;
if (!serverBin) {
  console.error("FAIL: TASKCORE_SERVER_BIN must be set (run via scripts/test.sh)");
  process.exit(1);
}

export const results = { passed: 0, failed: 0 };

export function check(condition, what) {
  if (condition) {
    results.passed++;
  } else {
    results.failed++;
    console.error(`FAILED: ${what}`);
  }
  return condition;
}

export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
}

// `url` naming database `name` (and, when given, another port).
function withDatabase(url, name, port) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  if (port) u.port = port;
  return u.toString();
}

async function runSql(url, ...statements) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

// A new, empty database on the test cluster; returns its URL. On the Citus target
// (TASKCORE_TEST_CITUS_WORKERS) it is a Citus database like the shared one: made on every node,
// the extension in each, the workers registered, so `migrate` distributes its tables.
export async function freshDatabase(name) {
  if (!pgUrl) {
    console.error("FAIL: TASKCORE_TEST_PG_URL must be set (run via scripts/test.sh)");
    process.exit(1);
  }
  const workers = (process.env.TASKCORE_TEST_CITUS_WORKERS ?? "").split(/\s+/).filter(Boolean);
  const recreate = [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`];
  await runSql(pgUrl, ...recreate);
  const url = withDatabase(pgUrl, name);
  if (workers.length === 0) return url;
  for (const port of workers) {
    await runSql(withDatabase(pgUrl, new URL(pgUrl).pathname.slice(1), port), ...recreate);
    await runSql(withDatabase(pgUrl, name, port), "CREATE EXTENSION citus");
  }
  await runSql(
    url,
    "CREATE EXTENSION citus",
    `SELECT citus_set_coordinator_host('127.0.0.1', ${new URL(pgUrl).port})`,
    ...workers.map((port) => `SELECT citus_add_node('127.0.0.1', ${port})`),
  );
  return url;
}

// `taskcore-server serve` on a free loopback port (SQLite in a temp dir unless env says else).
export function startTaskcore(env) {
  const dir = mkdtempSync(join(tmpdir(), "taskcore-interop-"));
  const child = spawn(serverBin, ["serve"], {
    cwd: dir,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", DATABASE_URL: `sqlite:///${dir}/interop.db`, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`taskcore did not start:\n${log}`)), 15000);
    child.stderr.on("data", (chunk) => {
      log += chunk;
      const m = log.match(/listening on http:\/\/[0-9.]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          log: () => log,
          stop: () => { child.kill("SIGTERM"); rmSync(dir, { recursive: true, force: true }); },
        });
      }
    });
    child.on("exit", (code) => reject(new Error(`taskcore exited (${code}):\n${log}`)));
  });
}

// An HS256 token for `user`, minted by the server binary itself (`taskcore-server token`).
export function mintToken(user, secret) {
  return execFileSync(serverBin, ["token", user], { env: { ...process.env, BETTER_AUTH_SECRET: secret } })
    .toString().trim().split("\n").pop();
}
