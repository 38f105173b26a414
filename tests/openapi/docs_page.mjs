// The /docs page in a real browser (Debian's chromium, driven by playwright-core): the page
// loads offline from the server's embedded Swagger UI, authorises with a bearer token, runs
// "list tasks" from the page and shows the user's task; a screenshot is kept.
// Usage: node docs_page.mjs /path/to/taskcore-server /path/to/screenshot.png
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import { fail, startServer } from "./server.mjs";

const [serverBin, screenshot] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const secret = "docs-page-secret-of-more-than-32-bytes!!";
const dir = mkdtempSync(join(tmpdir(), "taskcore-docs-"));
const env = { ...process.env, BETTER_AUTH_SECRET: secret, DATABASE_URL: `sqlite:///${dir}/docs.db`,
              PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" };

const server = await startServer(serverBin, dir, env);
const base = server.base;
let browser;
try {
  const token = spawnSync(serverBin, ["token", "alice"], { cwd: dir, env, encoding: "utf8" }).stdout.trim();
  const created = await fetch(`${base}/api/alice/tasks`, {
    method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title: "Shown on the docs page" }),
  });
  if (created.status !== 201) fail(`create: ${created.status}`);

  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  // Offline: any request to another host is a failure (the assets must come from the server).
  await page.route("**/*", (route) =>
    route.request().url().startsWith(base) ? route.continue() : (problems.push(`external: ${route.request().url()}`), route.abort()));

  const response = await page.goto(`${base}/docs`);
  if (response.status() !== 200) fail(`/docs answered ${response.status()}`);
  await page.locator(".swagger-ui .info .title").filter({ hasText: "taskcore API" }).waitFor({ timeout: 15000 });

  // Authorize: the first bearer scheme (HS256) with alice's token.
  await page.locator(".auth-wrapper button.authorize").click();
  const scheme = page.locator(".auth-container").first();
  await scheme.locator("input").fill(token);
  await scheme.locator("button.authorize").click();
  await page.locator(".modal-ux button.btn-done, .modal-ux button.close-modal").first().click();

  // "List tasks": open it, fill the path user, execute.
  const op = page.locator("#operations-tasks-listTasks");
  await op.locator(".opblock-summary").click();
  const tryOut = op.locator("button.try-out__btn");
  if ((await tryOut.textContent()).includes("Try it out")) await tryOut.click();
  await op.locator('input[placeholder="user_id"]').fill("alice");
  await op.locator("button.execute").click();
  const status = op.locator(".live-responses-table tr.response .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.textContent()).trim();
  const body = await op.locator(".live-responses-table .response-col_description pre").first().textContent();
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(`docs page: list tasks from the page answered ${code}; screenshot ${screenshot}`);
  if (!code.startsWith("200")) fail(`list tasks from the page: ${code}\n${body}`);
  if (!body.includes("Shown on the docs page")) fail(`the page's answer lacks the task: ${body}`);
  if (problems.length) fail(`browser problems:\n${problems.join("\n")}`);
} finally {
  await browser?.close();
  server.stop();
}
