// The real taskcore-server for the browser checks: started on a free port, its log kept.
import { spawn } from "node:child_process";

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

// Spawns `serve` in `cwd` with `env`; resolves once it logs its port.
export async function startServer(serverBin, cwd, env) {
  const server = spawn(serverBin, ["serve"], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 10000);
    server.stderr.on("data", (chunk) => {
      log += chunk;
      const m = /listening on http:\/\/[0-9.]+:([0-9]+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  return { base: `http://127.0.0.1:${port}`, log: () => log, stop: () => server.kill("SIGTERM") };
}
