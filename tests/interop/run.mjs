// Interop test: a real Better Auth server (jwt plugin) issues tokens; taskcore-server, pointed at
// its JWKS with BETTER_AUTH_URL, must accept them (EdDSA, ES256, RS256) and refuse tampered ones.
// Needs TASKCORE_SERVER_BIN and TASKCORE_TEST_PG_URL (set by ctest and scripts/test.sh).
import http from "node:http";
import pg from "pg";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";
import { getMigrations } from "better-auth/db/migration";
import { check, finish, freshDatabase, startTaskcore, results } from "./support.mjs";

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

async function startBetterAuth(alg) {
  const pool = new pg.Pool({ connectionString: await freshDatabase(`ba_${alg.toLowerCase()}`) });
  const server = http.createServer();
  const port = await listen(server);
  const baseURL = `http://127.0.0.1:${port}`;
  const auth = betterAuth({
    baseURL,
    secret: "interop-better-auth-secret-0123456789abcdef",
    database: pool,
    emailAndPassword: { enabled: true },
    plugins: [jwt({ jwks: { keyPairConfig: alg === "EdDSA" ? { alg, crv: "Ed25519" } : { alg } } })],
    telemetry: { enabled: false },
  });
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  server.on("request", toNodeHandler(auth));
  return { baseURL, close: async () => { server.close(); await pool.end(); } };
}

async function tokenFromBetterAuth(baseURL) {
  const email = `user-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const headers = { "Content-Type": "application/json", Origin: baseURL };
  const signUp = await fetch(`${baseURL}/api/auth/sign-up/email`, {
    method: "POST", headers, body: JSON.stringify({ email, password: "correct-horse-battery-staple", name: "Interop" }),
  });
  check(signUp.ok, `sign-up returned ${signUp.status}: ${await signUp.clone().text()}`);
  const signIn = await fetch(`${baseURL}/api/auth/sign-in/email`, {
    method: "POST", headers, body: JSON.stringify({ email, password: "correct-horse-battery-staple" }),
  });
  check(signIn.ok, `sign-in returned ${signIn.status}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const tokenRes = await fetch(`${baseURL}/api/auth/token`, { headers: { Cookie: cookie, Origin: baseURL } });
  check(tokenRes.ok, `GET /api/auth/token returned ${tokenRes.status}`);
  const { token } = await tokenRes.json();
  return token;
}

function decodeSegment(segment) {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}

for (const alg of ["EdDSA", "ES256", "RS256"]) {
  const ba = await startBetterAuth(alg);
  const taskcore = await startTaskcore({
    BETTER_AUTH_URL: ba.baseURL, JWT_ISSUER: ba.baseURL, JWT_AUDIENCE: ba.baseURL, BETTER_AUTH_SECRET: "",
  });
  try {
    const token = await tokenFromBetterAuth(ba.baseURL);
    const [header, payload] = token.split(".").slice(0, 2).map(decodeSegment);
    check(header.alg === alg, `${alg}: token header alg is ${header.alg}`);
    check(typeof header.kid === "string", `${alg}: token has a kid`);
    const user = payload.sub;
    const api = `${taskcore.url}/api/${encodeURIComponent(user)}/tasks`;
    const auth = { Authorization: `Bearer ${token}` };

    const created = await fetch(api, {
      method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify({ title: `made with ${alg}` }),
    });
    check(created.status === 201, `${alg}: create returned ${created.status}: ${await created.clone().text()}`);
    const list = await fetch(api, { headers: auth });
    const body = await list.json();
    check(list.status === 200 && body.meta.total === 1 && body.data[0].title === `made with ${alg}`,
      `${alg}: list returned ${list.status} ${JSON.stringify(body)}`);

    const parts = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url");
    for (const [what, bad] of [
      ["tampered payload", `${parts[0]}.${forged}.${parts[2]}`],
      ["tampered signature", `${parts[0]}.${parts[1]}.${parts[2].slice(0, -4)}AAAA`],
    ]) {
      const res = await fetch(api, { headers: { Authorization: `Bearer ${bad}` } });
      check(res.status === 401, `${alg}: ${what} returned ${res.status}`);
    }
    console.log(`${alg}: Better Auth token accepted, tampered tokens refused`);
  } catch (e) {
    check(false, `${alg}: ${e.stack}`);
  } finally {
    if (results.failed) console.error(taskcore.log());
    taskcore.stop();
    await ba.close();
  }
}

finish();
