// What the MCP interop tests share: the two official clients connected on a user's token (each
// call recorded through a fetch of the test's choosing), and tool calls that must succeed or be
// refused in a stated way.
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as LegacyTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { check, finish, freshDatabase, results, startTaskcore } from "./support.mjs";

// A fetch that keeps the first tools/call exchange of every tool (the transcripts).
export function recordingFetch(transcript) {
  return async (url, init) => {
    const res = await fetch(url, init);
    const sent = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    if (sent?.method === "tools/call" && !transcript.has(sent.params.name)) {
      transcript.set(sent.params.name, { request: sent, response: await res.clone().json() });
    }
    return res;
  };
}

export async function connectLegacy(mcpUrl, token, transcript, fetchFn = recordingFetch(transcript)) {
  const client = new LegacyClient({ name: "interop-sdk-v1", version: "1.32.2" });
  await client.connect(new LegacyTransport(mcpUrl, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } }, fetch: fetchFn,
  }));
  return client;
}

export async function connectModern(mcpUrl, token, mode, transcript = new Map(), fetchFn = recordingFetch(transcript)) {
  const client = new Client({ name: "interop-client-v2", version: "2.4.0" }, { versionNegotiation: { mode } });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, {
    requestInit: { headers: { Authorization: `Bearer ${token}` } }, fetch: fetchFn,
  }));
  return client;
}

// A tool call that must succeed: its structuredContent (and the text content must say the same).
export async function ok(client, name, args, what) {
  const result = await client.callTool({ name, arguments: args });
  check(result.isError !== true, `${what}: ${name} failed: ${JSON.stringify(result.content)}`);
  const text = result.content?.[0]?.text;
  check(text !== undefined && JSON.stringify(JSON.parse(text)) === JSON.stringify(result.structuredContent),
    `${what}: ${name} text content differs from structuredContent`);
  return result.structuredContent;
}

// A tool call that must come back as a tool error (isError) whose message matches `pattern`.
export async function toolError(client, name, args, pattern, what) {
  const result = await client.callTool({ name, arguments: args });
  const text = result.content?.[0]?.text ?? "";
  check(result.isError === true && pattern.test(text),
    `${what}: ${name}(${JSON.stringify(args)}) should be a tool error matching ${pattern}, got ${JSON.stringify(result)}`);
}

// A call the server must refuse as JSON-RPC invalid params (-32602).
export async function invalidParams(client, name, args, what) {
  try {
    const result = await client.callTool({ name, arguments: args });
    check(false, `${what}: ${name}(${JSON.stringify(args)}) should be -32602, got ${JSON.stringify(result)}`);
  } catch (e) {
    check(e.code === -32602, `${what}: ${name} refused with ${e.code} ${e.message}, expected -32602`);
  }
}


// The server of one MCP interop script: the backend from the command line (sqlite|postgres, a
// fresh database for PostgreSQL), its /mcp URL, and a REST call on a user's token.
export async function mcpServer(script, database, env) {
  const backend = process.argv[2];
  if (backend !== "sqlite" && backend !== "postgres") {
    console.error(`FAIL: usage: node ${script} sqlite|postgres`);
    process.exit(1);
  }
  const settings = backend === "postgres" ? { ...env, DATABASE_URL: await freshDatabase(database) } : env;
  const server = await startTaskcore(settings);
  const rest = async (token, path, init = {}) => {
    const user = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub;
    const res = await fetch(`${server.url}/api/${encodeURIComponent(user)}${path}`, {
      ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
    return { status: res.status, etag: res.headers.get("etag"), body: await res.json() };
  };
  return { backend, server, mcpUrl: new URL(`${server.url}/mcp`), rest };
}

// Runs a script's checks, then stops its server and exits failing if any check failed (an
// exception is a failed check; the server's log is printed on failure).
export async function runChecks(server, backend, body, success) {
  try {
    await body();
    console.log(`${backend}: ${success}`);
  } catch (e) {
    check(false, `${backend}: ${e.stack}`);
  } finally {
    if (results.failed) console.error(server.log());
    server.stop();
  }
  finish();
}
