// The events scenario's streams: opens one event stream for each of the first STREAMS users of
// USERS_FILE (lines "user token -"), prints "open" once every stream sent `ready`, then for
// SECONDS records each event's delivery latency: its arrival here minus its `at` (the change-log
// row's clock_timestamp, taken in the write's transaction on this machine). Ends with
//   RESULT events <events> <p50 ms> <p99 ms> <max ms> <streams>
// Usage: node events.mjs BASE USERS_FILE STREAMS SECONDS
import { readFileSync } from "node:fs";

const [base, usersFile, streamsArg, secondsArg] = process.argv.slice(2);
const users = readFileSync(usersFile, "utf8").trim().split("\n").map((l) => l.split(" "))
  .slice(0, Number(streamsArg));
const latencies = [];
const controller = new AbortController();
let ready = 0;

async function follow(user, token) {
  const res = await fetch(`${base}/api/${user}/events`, {
    headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`${user}: ${res.status}`);
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end; (end = buffer.indexOf("\n\n")) >= 0; buffer = buffer.slice(end + 2)) {
      const block = buffer.slice(0, end);
      if (block.includes("event: ready")) { ready++; continue; }
      const data = block.split("\n").find((l) => l.startsWith("data: "));
      if (data && /^id: /m.test(block)) {
        latencies.push(Date.now() - Date.parse(JSON.parse(data.slice(6)).at));
      }
    }
  }
}

const running = users.map(([user, token]) => follow(user, token).catch((e) => {
  if (e.name !== "AbortError") { console.error(`events: ${e.message}`); process.exitCode = 1; }
}));
while (ready < users.length) await new Promise((r) => setTimeout(r, 20));
console.log("open");
await new Promise((r) => setTimeout(r, Number(secondsArg) * 1000));
controller.abort();
await Promise.all(running);
latencies.sort((a, b) => a - b);
const at = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
console.log(`RESULT events ${latencies.length} ${at(0.5)} ${at(0.99)} ${latencies.at(-1) ?? 0} ${users.length}`);
