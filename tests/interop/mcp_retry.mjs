// Interop test: agents can retry. With each official MCP TypeScript client (sdk 1.32.2 on
// 2025-11-25, client 2.4.0 on 2026-07-28): a retried create with an idempotency_key creates
// once; a retry after the answer was lost on the way returns the first result; the same key from
// two users is two writes; the same key with other arguments is an error; every task carries the
// etag REST sends, and a stale if_match writes nothing and returns the task's current state.
// Usage: node mcp_retry.mjs sqlite|postgres
import { check, mintToken } from "./support.mjs";
import { connectLegacy, connectModern, mcpServer, ok, runChecks, toolError } from "./mcp_support.mjs";

const secret = "interop-mcp-retry-secret-0123456789abcdef0123";
const { backend, server, mcpUrl, rest } = await mcpServer("mcp_retry.mjs", "mcp_retry",
  { BETTER_AUTH_SECRET: secret });

// A fetch that lets the server answer the first tools/call carrying `key`, then drops that
// answer as a broken connection would: the write happened, the agent never heard of it.
function losingFetch(key) {
  let lost = false;
  return async (url, init) => {
    const sent = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const res = await fetch(url, init);
    if (!lost && sent?.method === "tools/call" && sent.params?.arguments?.idempotency_key === key) {
      lost = true;
      await res.text();
      throw new TypeError("fetch failed: connection reset (the test drops this answer)");
    }
    return res;
  };
}

async function titled(token, title) {
  const page = await rest(token, `/tasks?q=${encodeURIComponent(title)}&limit=200`);
  return page.body.data.filter((t) => t.title === title);
}

async function tools(client, what) {
  const { tools: listed } = await client.listTools();
  const byName = Object.fromEntries(listed.map((t) => [t.name, t]));
  for (const name of ["add_task", "update_task", "complete_task", "delete_task", "create_conversation",
    "add_message", "delete_conversation"]) {
    check(byName[name].inputSchema.properties.idempotency_key?.maxLength === 255 &&
      /idempotency_key/.test(byName[name].description), `${what}: ${name} takes idempotency_key`);
  }
  for (const name of ["update_task", "complete_task", "delete_task"]) {
    check(byName[name].inputSchema.properties.if_match?.type === "string" && /if_match/.test(byName[name].description),
      `${what}: ${name} takes if_match`);
  }
  check(!("idempotency_key" in byName.list_tasks.inputSchema.properties), `${what}: reads take no key`);
  check(byName.get_task.outputSchema.required.includes("etag"), `${what}: a task's outputSchema requires etag`);
}

async function retries(client, token, tag, what) {
  const title = `retried ${tag}`;
  const first = await ok(client, "add_task", { title, idempotency_key: `create-${tag}` }, what);
  const again = await ok(client, "add_task", { title, idempotency_key: `create-${tag}` }, what);
  check(again.id === first.id && JSON.stringify(again) === JSON.stringify(first), `${what}: a retried create replays`);
  check((await titled(token, title)).length === 1, `${what}: a retried create created one task`);
  await toolError(client, "add_task", { title: `${title} (other)`, idempotency_key: `create-${tag}` },
    /different request/, `${what}: same key, other arguments`);
  check((await titled(token, `${title} (other)`)).length === 0, `${what}: the refused call wrote nothing`);
  // Argument order is not part of the request's identity.
  const ordered = await ok(client, "add_task", { priority: "high", title: `${title} 2`, idempotency_key: `two-${tag}` }, what);
  const reordered = await ok(client, "add_task", { idempotency_key: `two-${tag}`, title: `${title} 2`, priority: "high" }, what);
  check(ordered.id === reordered.id, `${what}: the same arguments in another order replay`);
}

async function lostAnswer(token, connect, tag, what) {
  const key = `lost-${tag}`;
  const lossy = await connect(losingFetch(key));
  const title = `lost answer ${tag}`;
  let failed = false;
  try {
    await lossy.callTool({ name: "add_task", arguments: { title, idempotency_key: key } });
  } catch {
    failed = true;
  }
  check(failed, `${what}: the first answer was lost`);
  const written = await titled(token, title);
  check(written.length === 1, `${what}: the lost call was written once (${written.length})`);
  const retried = await ok(lossy, "add_task", { title, idempotency_key: key }, what);
  check(retried.id === written[0]?.id, `${what}: the retry returns the task the lost call created`);
  check((await titled(token, title)).length === 1, `${what}: still one task after the retry`);
  await lossy.close();
}

async function twoUsers(clientA, tokenA, clientB, tokenB, tag, what) {
  const args = { title: `shared key ${tag}`, idempotency_key: `shared-${tag}` };
  const a = await ok(clientA, "add_task", args, what);
  const b = await ok(clientB, "add_task", args, what);
  check(a.id !== b.id && a.user_id !== b.user_id, `${what}: the same key from two users is two tasks`);
  check((await titled(tokenA, args.title)).length === 1 && (await titled(tokenB, args.title)).length === 1,
    `${what}: each user has exactly their own task`);
}

async function staleEdits(client, token, tag, what) {
  const task = await ok(client, "add_task", { title: `edited ${tag}` }, what);
  const viaRest = await rest(token, `/tasks/${task.id}`);
  check(task.etag === viaRest.etag, `${what}: add_task's etag is REST's ETag (${task.etag} vs ${viaRest.etag})`);
  const listed = await ok(client, "list_tasks", { q: `edited ${tag}` }, what);
  check(listed.tasks[0].etag === task.etag, `${what}: list items carry their etag`);
  const edited = await ok(client, "update_task", { task_id: task.id, title: `edited ${tag} v2`, if_match: task.etag }, what);
  check(edited.etag !== task.etag && edited.title === `edited ${tag} v2`, `${what}: a current if_match writes`);
  // Another agent's edit made the first etag stale.
  const result = await client.callTool({ name: "update_task", arguments: { task_id: task.id, title: "stale", if_match: task.etag } });
  const text = result.content?.[0]?.text ?? "";
  const state = text.includes("current state: ") ? JSON.parse(text.slice(text.indexOf("current state: ") + 15)) : {};
  check(result.isError === true && /changed/.test(text) && state.etag === edited.etag && state.title === `edited ${tag} v2`,
    `${what}: a stale if_match is an error with the current state: ${text}`);
  const stale = await client.callTool({ name: "complete_task", arguments: { task_id: task.id, if_match: task.etag } });
  check(stale.isError === true, `${what}: a stale if_match on complete_task is an error`);
  await toolError(client, "delete_task", { task_id: task.id, if_match: task.etag }, /changed/, `${what}: stale delete`);
  const now = await rest(token, `/tasks/${task.id}`);
  check(now.status === 200 && now.body.data.title === `edited ${tag} v2` && now.body.data.completed === false &&
    now.etag === edited.etag, `${what}: nothing stale was written`);
  await toolError(client, "update_task", { task_id: task.id, title: "x", if_match: "garbage" }, /if_match/,
    `${what}: a malformed if_match`);
  const done = await ok(client, "complete_task", { task_id: task.id, if_match: edited.etag, idempotency_key: `done-${tag}` }, what);
  check(done.completed === true, `${what}: a keyed conditional write`);
  const replay = await ok(client, "complete_task", { task_id: task.id, if_match: edited.etag, idempotency_key: `done-${tag}` }, what);
  check(replay.etag === done.etag, `${what}: its retry replays although the etag it names is now stale`);
}

await runChecks(server, backend, async () => {
  const alice = mintToken("alice", secret);
  const bob = mintToken("bob", secret);
  const clientsOf = [
    ["sdk 1.32.2 (2025-11-25)", "v1", (token, fetchFn) => connectLegacy(mcpUrl, token, new Map(), fetchFn)],
    ["client 2.4.0 (2026-07-28)", "v2", (token, fetchFn) => connectModern(mcpUrl, token, { pin: "2026-07-28" }, new Map(), fetchFn)],
  ];
  for (const [what, tag, connect] of clientsOf) {
    const a = await connect(alice, fetch);
    const b = await connect(bob, fetch);
    await tools(a, what);
    await retries(a, alice, tag, what);
    await lostAnswer(alice, (fetchFn) => connect(alice, fetchFn), tag, what);
    await twoUsers(a, alice, b, bob, tag, what);
    await staleEdits(a, alice, tag, what);
    await a.close();
    await b.close();
  }
}, "both official MCP clients retried safely");
