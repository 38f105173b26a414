// Live updates in a real browser (Debian's chromium, driven by playwright-core): a page served
// from an allowed origin asks for a one-time ticket with the bearer token, opens the browser's
// own EventSource on /events?ticket=, and keeps a task list from the events alone; another
// client creates, toggles and deletes, and the page's list follows. A screenshot is kept.
// Usage: node live_page.mjs /path/to/taskcore-server /path/to/screenshot.png
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { fail, startServer } from "./server.mjs";

const [serverBin, screenshot] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const secret = "live-page-secret-of-more-than-32-bytes!!";
const dir = mkdtempSync(join(tmpdir(), "taskcore-live-"));

// The front end: nothing but the README's pattern (ticket, then EventSource) and a list.
const page_html = `<!doctype html><meta charset="utf-8"><title>taskcore live</title>
<style>body{font:16px sans-serif;margin:2em} li.done{text-decoration:line-through;color:#888}
#status{color:#06c}</style>
<h1>My tasks (live)</h1><p id="status">connecting</p><ul id="tasks"></ul>
<script>
const params = new URLSearchParams(location.search);
const api = params.get("api"), user = params.get("user"), token = params.get("token");
const list = document.getElementById("tasks"), status = document.getElementById("status");
const item = (id) => document.querySelector('li[data-id="' + id + '"]');
function apply(change) {
  if (change.kind !== "task") return;
  if (change.op === "deleted") { item(change.id)?.remove(); return; }
  const li = item(change.id) ?? list.appendChild(Object.assign(document.createElement("li"), {}));
  li.dataset.id = change.id;
  li.textContent = change.data.title;
  li.className = change.data.completed ? "done" : "";
}
(async () => {
  const res = await fetch(api + "/api/" + user + "/events/ticket",
                          { method: "POST", headers: { Authorization: "Bearer " + token } });
  const { ticket } = (await res.json()).data;
  const source = new EventSource(api + "/api/" + user + "/events?ticket=" + ticket);
  source.addEventListener("ready", (e) => { status.textContent = "live from seq " + JSON.parse(e.data).seq; });
  for (const name of ["task.created", "task.updated", "task.deleted"]) {
    source.addEventListener(name, (e) => { apply(JSON.parse(e.data)); status.dataset.last = e.lastEventId; });
  }
  source.onerror = () => { status.textContent = "stream ended"; source.close(); };
})();
</script>`;
const pages = createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(page_html);
});
await new Promise((resolve) => pages.listen(0, "127.0.0.1", resolve));
const origin = `http://127.0.0.1:${pages.address().port}`;

const env = { ...process.env, BETTER_AUTH_SECRET: secret, DATABASE_URL: `sqlite:///${dir}/live.db`,
              PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", FRONTEND_ORIGIN: origin };
const server = await startServer(serverBin, dir, env);
const base = server.base;
let browser;
try {
  const token = spawnSync(serverBin, ["token", "alice"], { cwd: dir, env, encoding: "utf8" }).stdout.trim();
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/api/alice${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status >= 300) fail(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 200 || res.status === 201 ? (await res.json()).data : undefined;
  };

  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(`${origin}/?api=${encodeURIComponent(base)}&user=alice&token=${encodeURIComponent(token)}`);
  await page.locator("#status").filter({ hasText: "live from seq 0" }).waitFor({ timeout: 15000 });

  // Another client writes; the page learns it from its stream only.
  const report = await call("POST", "/tasks", { title: "Write the report" });
  const milk = await call("POST", "/tasks", { title: "Buy milk" });
  await call("PATCH", `/tasks/${report.id}/complete`);
  const call_mum = await call("POST", "/tasks", { title: "Call mum" });
  await call("DELETE", `/tasks/${milk.id}`);
  await page.locator('#status[data-last="5"]').waitFor({ timeout: 5000 });
  const shown = await page.locator("#tasks li").evaluateAll((lis) =>
    lis.map((li) => `${li.dataset.id}|${li.textContent}|${li.className}`));
  const expected = [`${report.id}|Write the report|done`, `${call_mum.id}|Call mum|`];
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`live page: ${JSON.stringify(shown)}; screenshot ${screenshot}`);
  if (JSON.stringify(shown) !== JSON.stringify(expected)) fail(`the page shows ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`);
  if (server.log().includes("ticket=")) fail("the ticket reached the server's log");
  if (problems.length) fail(`browser problems:\n${problems.join("\n")}`);
} finally {
  await browser?.close();
  server.stop();
  pages.close();
}
