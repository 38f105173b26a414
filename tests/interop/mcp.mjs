// Interop test: the official MCP TypeScript clients drive taskcore-server's /mcp endpoint on a
// user's own bearer token. @modelcontextprotocol/sdk 1.32.2 speaks 2025-11-25 (initialize);
// @modelcontextprotocol/client 2.4.0 speaks 2026-07-28 (server/discover, _meta envelope) and
// falls back to initialize in its legacy mode. Each runs a whole session; the REST API must then
// show exactly those changes, and another user's agent must see and change nothing of them.
// Usage: node mcp.mjs sqlite|postgres   (MCP_TRANSCRIPT_DIR, if set, receives one call per tool)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as clients from "./mcp_support.mjs";
import { invalidParams, ok, toolError } from "./mcp_support.mjs";
import { check, mintToken } from "./support.mjs";

const secret = "interop-mcp-secret-0123456789abcdef0123456789";
const { backend, server, mcpUrl, rest } = await clients.mcpServer("mcp.mjs", "mcp_interop",
  { BETTER_AUTH_SECRET: secret, FRONTEND_ORIGIN: "http://app.example" });

const connectLegacy = (token, transcript) => clients.connectLegacy(mcpUrl, token, transcript);
const connectModern = (token, mode, transcript) => clients.connectModern(mcpUrl, token, mode, transcript);

const TOOLS = ["add_task", "list_tasks", "get_task", "update_task", "complete_task", "delete_task",
  "create_conversation", "list_conversations", "add_message", "list_messages", "delete_conversation"];

function saveTranscript(name, transcript) {
  const dir = process.env.MCP_TRANSCRIPT_DIR;
  if (!dir) return;
  const lines = [...transcript.values()].map((x) => JSON.stringify(x)).join("\n");
  writeFileSync(join(dir, `${name}-${backend}.jsonl`), `${lines}\n`);
}

// The whole agent session; returns the ids it left behind.
async function session(client, token, what) {
  const { tools } = await client.listTools();
  check(JSON.stringify(tools.map((t) => t.name).sort()) === JSON.stringify([...TOOLS].sort()),
    `${what}: tools/list names ${tools.map((t) => t.name)}`);
  for (const t of tools) {
    check(t.inputSchema.type === "object" && t.inputSchema.additionalProperties === false &&
      !("user_id" in (t.inputSchema.properties ?? {})) && t.outputSchema?.type === "object" &&
      typeof t.annotations?.readOnlyHint === "boolean" && t.description.length > 40,
    `${what}: tool ${t.name} schema/annotations`);
  }
  check(tools.find((t) => t.name === "list_tasks").annotations.readOnlyHint === true &&
    tools.find((t) => t.name === "delete_task").annotations.destructiveHint === true,
  `${what}: hints`);

  const report = await ok(client, "add_task", { title: "Write report", priority: "high", tags: ["work"], due_date: "2026-12-24T18:00:00Z" }, what);
  const milk = await ok(client, "add_task", { title: "  Buy milk ", tags: ["home"] }, what);
  const call = await ok(client, "add_task", { title: "Call mom", description: "Sunday" }, what);
  check(milk.title === "Buy milk" && report.due_date === "2026-12-24T18:00:00.000Z" && report.status === "pending",
    `${what}: add_task normalised ${JSON.stringify([milk, report])}`);

  const all = await ok(client, "list_tasks", {}, what);
  check(all.total === 3 && all.limit === 50 && all.offset === 0 && all.tasks.length === 3, `${what}: list all ${JSON.stringify(all)}`);
  const high = await ok(client, "list_tasks", { priority: "high" }, what);
  check(high.total === 1 && high.tasks[0].id === report.id, `${what}: list priority=high`);
  const home = await ok(client, "list_tasks", { tag: "home", status: "pending" }, what);
  check(home.total === 1 && home.tasks[0].id === milk.id, `${what}: list tag=home`);
  const mom = await ok(client, "list_tasks", { q: "MOM", sort: "title", limit: 1 }, what);
  check(mom.total === 1 && mom.tasks[0].id === call.id && mom.limit === 1, `${what}: list q=MOM`);

  const updated = await ok(client, "update_task", { task_id: milk.id, title: "Buy oat milk", description: "2 litres" }, what);
  check(updated.title === "Buy oat milk" && updated.description === "2 litres" && updated.tags[0] === "home", `${what}: update`);
  const done = await ok(client, "complete_task", { task_id: report.id }, what);
  const again = await ok(client, "complete_task", { task_id: report.id }, what);
  check(done.completed && again.completed && again.status === "completed", `${what}: complete_task sets, never toggles`);
  const fetched = await ok(client, "get_task", { task_id: report.id }, what);
  const viaRest = await rest(token, `/tasks/${report.id}`);
  check(JSON.stringify(fetched) === JSON.stringify({ ...viaRest.body.data, etag: viaRest.etag }),
    `${what}: get_task equals GET /tasks/{id}, with its ETag as etag`);
  const removed = await ok(client, "delete_task", { task_id: call.id }, what);
  check(removed.id === call.id && removed.deleted === true, `${what}: delete_task result`);
  await toolError(client, "get_task", { task_id: call.id }, /not found/, what);
  await toolError(client, "add_task", { title: " " }, /title/, what);
  await toolError(client, "add_task", { title: "x", priority: "urgent", due_date: "tomorrow" }, /priority.*due_date|due_date.*priority/, what);
  await toolError(client, "get_task", { task_id: "not-a-uuid" }, /task_id: must be a UUID/, what);
  await toolError(client, "list_tasks", { limit: 500 }, /limit/, what);
  await invalidParams(client, "add_task", { title: "x", user_id: "someone-else" }, what);
  await invalidParams(client, "add_task", { title: 42 }, what);
  await invalidParams(client, "no_such_tool", {}, what);

  const planning = await ok(client, "create_conversation", { title: "Planning" }, what);
  const scratch = await ok(client, "create_conversation", {}, what);
  check(scratch.title === null, `${what}: untitled conversation`);
  await ok(client, "add_message", { conversation_id: planning.id, role: "user", content: "What is due?" }, what);
  await ok(client, "add_message", { conversation_id: planning.id, role: "assistant", content: "The report." }, what);
  const messages = await ok(client, "list_messages", { conversation_id: planning.id }, what);
  check(messages.total === 2 && messages.limit === 100 && messages.messages[0].content === "What is due?", `${what}: list_messages`);
  await toolError(client, "add_message", { conversation_id: planning.id, role: "robot", content: "x" }, /role/, what);
  const gone = await ok(client, "delete_conversation", { conversation_id: scratch.id }, what);
  check(gone.deleted === true, `${what}: delete_conversation`);
  const conversations = await ok(client, "list_conversations", { limit: 10 }, what);
  check(conversations.total === 1 && conversations.conversations[0].id === planning.id, `${what}: list_conversations`);

  // The REST API sees exactly what the agent did.
  const tasks = await rest(token, "/tasks?sort=title");
  check(tasks.body.meta.total === 2 && tasks.body.data.map((t) => t.title).join("|") === "Buy oat milk|Write report" &&
    tasks.body.data[1].completed === true && tasks.body.data[0].description === "2 litres", `${what}: REST tasks ${JSON.stringify(tasks.body.data)}`);
  const restConversations = await rest(token, "/conversations");
  check(restConversations.body.meta.total === 1 && restConversations.body.data[0].title === "Planning", `${what}: REST conversations`);
  const restMessages = await rest(token, `/conversations/${planning.id}/messages`);
  check(restMessages.body.data.map((m) => m.role).join(",") === "user,assistant", `${what}: REST messages`);
  return { report, milk, planning };
}

// Another user's agent gets not-found for every id of `victim` and changes nothing.
async function isolation(intruder, victimToken, ids) {
  const before = JSON.stringify([(await rest(victimToken, "/tasks")).body.data, (await rest(victimToken, "/conversations")).body.data,
    (await rest(victimToken, `/conversations/${ids.planning.id}/messages`)).body.data]);
  const task = ids.report.id;
  const conversation = ids.planning.id;
  for (const [name, args] of [
    ["get_task", { task_id: task }], ["update_task", { task_id: task, title: "pwned" }], ["complete_task", { task_id: task, completed: false }],
    ["delete_task", { task_id: task }], ["add_message", { conversation_id: conversation, role: "user", content: "pwned" }],
    ["list_messages", { conversation_id: conversation }], ["delete_conversation", { conversation_id: conversation }],
  ]) {
    await toolError(intruder, name, args, /not found/, "isolation");
  }
  const own = await ok(intruder, "list_tasks", {}, "isolation");
  const ownConversations = await ok(intruder, "list_conversations", {}, "isolation");
  check(own.total === 0 && ownConversations.total === 0, "isolation: the intruder sees no rows of the victim");
  const after = JSON.stringify([(await rest(victimToken, "/tasks")).body.data, (await rest(victimToken, "/conversations")).body.data,
    (await rest(victimToken, `/conversations/${ids.planning.id}/messages`)).body.data]);
  check(before === after, "isolation: the victim's data is unchanged");
}

async function authChecks() {
  const metadataUrl = `${server.url}/.well-known/oauth-protected-resource/mcp`;
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
  const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25" };
  const none = await fetch(mcpUrl, { method: "POST", headers, body });
  check(none.status === 401 && none.headers.get("www-authenticate") === `Bearer resource_metadata="${metadataUrl}"`,
    `auth: no token -> ${none.status} ${none.headers.get("www-authenticate")}`);
  const bad = await fetch(mcpUrl, { method: "POST", headers: { ...headers, Authorization: "Bearer not.a.token" }, body });
  check(bad.status === 401 && bad.headers.get("www-authenticate") === `Bearer error="invalid_token", error_description="malformed token", resource_metadata="${metadataUrl}"`,
    `auth: bad token -> ${bad.status} ${bad.headers.get("www-authenticate")}`);
  const metadata = await fetch(metadataUrl);
  const doc = await metadata.json();
  check(metadata.status === 200 && doc.resource === mcpUrl.href && doc.bearer_methods_supported.includes("header"),
    `auth: metadata ${JSON.stringify(doc)}`);
  try {
    await connectLegacy("not.a.token", new Map());
    check(false, "auth: the 2025 client connected with a bad token");
  } catch (e) {
    check(/401|Unauthorized/i.test(String(e)), `auth: the 2025 client's refusal: ${e}`);
  }
}

await clients.runChecks(server, backend, async () => {
  const alice = mintToken("alice@example.com", secret);
  const bob = mintToken("bob", secret);
  const carol = mintToken("carol", secret);
  const mallory = mintToken("mallory", secret);

  const legacyTranscript = new Map();
  const legacy = await connectLegacy(alice, legacyTranscript);
  check(legacy.getServerVersion()?.name === "taskcore", "2025 client: serverInfo.name");
  const aliceIds = await session(legacy, alice, "sdk 1.32.2 (2025-11-25)");
  saveTranscript("sdk-1.32.2", legacyTranscript);
  await legacy.close();

  const modernTranscript = new Map();
  const modern = await connectModern(bob, { pin: "2026-07-28" }, modernTranscript);
  check(modern.getNegotiatedProtocolVersion() === "2026-07-28", `2026 client: negotiated ${modern.getNegotiatedProtocolVersion()}`);
  await session(modern, bob, "client 2.4.0 (2026-07-28)");
  saveTranscript("client-2.4.0", modernTranscript);
  await modern.close();

  // The 2.4.0 client's other modes: auto picks 2026-07-28, legacy falls back to initialize.
  const auto = await connectModern(carol, "auto");
  check(auto.getNegotiatedProtocolVersion() === "2026-07-28", `auto mode negotiated ${auto.getNegotiatedProtocolVersion()}`);
  await auto.close();
  const fallback = await connectModern(carol, "legacy");
  check(fallback.getNegotiatedProtocolVersion() === "2025-11-25", `legacy mode negotiated ${fallback.getNegotiatedProtocolVersion()}`);
  check((await fallback.listTools()).tools.length === TOOLS.length, "legacy mode: tools/list");
  await fallback.close();

  const intruder = await connectModern(mallory, { pin: "2026-07-28" });
  await isolation(intruder, alice, aliceIds);
  await intruder.close();
  const legacyIntruder = await connectLegacy(mallory, new Map());
  await isolation(legacyIntruder, alice, aliceIds);
  await legacyIntruder.close();

  await authChecks();
}, "both official MCP clients ran the whole session");
