// Runs one Worker snippet: bundles it with esbuild (so `import { Ai } from "@cloudflare/ai"` is the
// real package), starts it in workerd through Miniflare with `env.AI` bound to the harness's mock,
// sends it its request(s) (one `GET /` unless HARNESS_REQUESTS says otherwise), writes the answer to a
// JSON file, and stops once the snippet's `ctx.waitUntil` work is done too (cold-entry.mjs, settle.mjs).
// Usage: node run.mjs <entry.ts|js> <result.json>
// Env: HARNESS_MOCK_URL (mock app), HARNESS_TOKEN (snippet token), HTTPS_PROXY (for the Worker's own fetch),
// HARNESS_REQUESTS (harness/worker_request.py; several requests go to the same Worker in turn),
// HARNESS_PAGES (a Pages Function's route: its exports run in a Pages context, pages.mjs),
// HARNESS_BINDINGS (KV, R2, D1, Durable Objects, ... from Miniflare's simulators: bindings.mjs; a D1
// database's `seed` statements are applied to it first),
// HARNESS_EVENT=scheduled (a cron trigger instead of requests; HARNESS_CRON: its schedule).
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CF, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, bundle, chosenAnswer, here, proxyAgent, require, requestInit, sendOut,
  START_FAILED, workerRequests,
} from "./shared.mjs";
import { d1Seeds, miniflareOptions, seedD1, standInWorker } from "./bindings.mjs";

const { Miniflare, Response } = require("miniflare");

const [entry, resultFile] = process.argv.slice(2);
const mockUrl = new URL(process.env.HARNESS_MOCK_URL);
const proxy = proxyAgent(process.env.HTTPS_PROXY);

const built = await bundle(entry);
if (built.errors) {
  for (const line of built.errors) console.error(line);
  process.exit(3);
}

const WAIT_UNTIL_LIMIT_MS = 30_000; // as workerd's own limit on work after the answer
const CRON = process.env.HARNESS_CRON || "*/5 * * * *"; // the page's `crons` entry, else a plausible one
const settleUrl = `http://harness-settled.invalid/${randomBytes(12).toString("hex")}`;
let settle;
let settled;
const arm = () => { settled = new Promise((resolve) => { settle = resolve; }); };
arm();
const source = (name) => readFileSync(join(here, name), "utf8");

// The Worker's own fetch() goes out through the proxy, like any other client's.
async function outbound(request) {
  if (request.url === settleUrl) {
    settle();
    return new Response(null, { status: 204 });
  }
  const answer = await sendOut(request.url, {
    method: request.method, headers: request.headers, body: await request.arrayBuffer(),
  }, proxy);
  return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
}

const bindingList = JSON.parse(process.env.HARNESS_BINDINGS || "[]");
const { standIns, ...simulated } = miniflareOptions(bindingList, process.env.HARNESS_TOKEN || "");
const mockService = { MOCK: { external: { address: mockUrl.host, http: {} } } };
const mf = new Miniflare({
  cf: CF,
  workers: [
    {
      name: "snippet", compatibilityDate: COMPATIBILITY_DATE, modulesRoot: here,
      modules: [
        { type: "ESModule", path: join(here, "cold-entry.mjs"), contents: source("cold-entry.mjs") },
        { type: "ESModule", path: join(here, "snippet.mjs"), contents: built.script },
        { type: "ESModule", path: join(here, "settle.mjs"), contents: source("settle.mjs") },
        { type: "ESModule", path: join(here, "pages.mjs"), contents: source("pages.mjs") },
        { type: "ESModule", path: join(here, "service-worker.mjs"), contents: source("service-worker.mjs") },
        { type: "ESModule", path: join(here, "workflows.mjs"), contents: source("workflows.mjs") },
      ],
      ...simulated,
      bindings: { ...simulated.bindings, HARNESS_SETTLE: settleUrl, HARNESS_WORKFLOWS: JSON.stringify(Object.keys(simulated.workflows)), ...(process.env.HARNESS_PAGES ? { HARNESS_PAGES: process.env.HARNESS_PAGES } : {}) },
      compatibilityFlags: COMPATIBILITY_FLAGS,
      wrappedBindings: {
        ...simulated.wrappedBindings, AI: { scriptName: "harness-ai", bindings: { TOKEN: process.env.HARNESS_TOKEN || "" } },
      },
      outboundService: outbound,
    },
    { name: "harness-ai", modules: true, script: source("ai-binding.mjs"), serviceBindings: mockService },
    ...(Object.values(simulated.wrappedBindings).some((wrapped) => wrapped.scriptName === "harness-binding") ? [{ // a wrapped binding's worker is one module: bundled
      name: "harness-binding", modules: true, script: (await bundle(join(here, "mock-binding.mjs"))).script,
      serviceBindings: mockService,
    }] : []),
    ...standInWorker(standIns, source("durable-stand-in.mjs"), process.env.HARNESS_TOKEN || "", mockService),
  ],
});
// A cron trigger's event, as Cloudflare sends it on schedule: its outcome is the Worker's answer (200,
// or 500 when the handler threw), `{outcome, noRetry}` as JSON.
async function scheduled(worker) {
  const result = await worker.scheduled({ cron: CRON, scheduledTime: new Date() });
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, WAIT_UNTIL_LIMIT_MS).unref())]);
  const body = Buffer.from(JSON.stringify(result));
  return { status: result.outcome === "ok" ? 200 : 500, headers: [["content-type", "application/json"]], body_b64: body.toString("base64") };
}

try {
  await seedD1(mf, d1Seeds(bindingList));
} catch (error) { // the tables the harness made for the page: its fault, not the snippet's (harness/run/common.py)
  console.error(`harness-infra: could not make the page's D1 tables: ${error?.message ?? error}`);
  await mf.dispose().catch(() => {});
  process.exit(75);
}

try {
  const answers = [];
  if (process.env.HARNESS_EVENT === "scheduled") answers.push(await scheduled(await mf.getWorker("snippet")));
  else for (const request of workerRequests(process.env.HARNESS_REQUESTS)) {
    if (answers.length) arm();
    const answer = await mf.dispatchFetch(`http://localhost${request.path}`, requestInit(request));
    const body = Buffer.from(await answer.arrayBuffer());
    answers.push({
      status: answer.status, headers: [...answer.headers.entries()].filter(([name]) => !name.startsWith("mf-")), body_b64: body.toString("base64"),
    });
    await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, WAIT_UNTIL_LIMIT_MS).unref())]);
  }
  writeFileSync(resultFile, JSON.stringify(chosenAnswer(answers)));
} catch (error) {
  if (error?.code !== "ERR_RUNTIME_FAILURE") throw error;
  // workerd printed the snippet's own error (an uncaught exception at start-up) above
  console.error(START_FAILED);
  process.exitCode = 1;
} finally {
  await mf.dispose().catch((error) => { if (error?.code !== "ERR_RUNTIME_FAILURE") throw error; });
}
