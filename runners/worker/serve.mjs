// The warm Worker server: one workerd for many Worker snippets, each in a fresh isolate (see
// warm-host.mjs), so workerd's start-up is paid once per server instead of once per snippet.
// Jobs run one at a time, so that what workerd prints belongs to exactly one of them.
// Protocol, one JSON object a line: out `{"ready": true}` once; in `{"job", "entry", "result",
// "token", "proxy", "limit", "aiVersion", "requests", "pages"}`; out `{"job", "exit", "stdout", "stderr", "truncated"}` when it is
// done, having written `result` as run.mjs does. Instead of `entry` a job may carry the snippet's code,
// `"source"` with `"loader"` ("ts" or "js") and `"name"` (its file name); without `result` the Worker's
// answer comes in the job's answer, `"response": {status, headers, body_b64}` (as run.mjs's file).
// Env: HARNESS_MOCK_URL (the mock app), NODE_EXTRA_CA_CERTS (the run's CA), HARNESS_WARM_DIR (optional).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import {
  CF, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, bundle, chosenAnswer, here, proxyAgent, require, requestInit, sendOut,
  START_FAILED, workerRequests,
} from "./shared.mjs";

const workerdPath = require("workerd").default;
const { fetch, Headers } = require("undici");
const SLOTS = 32;
const MARK = `\u0001harness-end-${randomBytes(8).toString("hex")}`;
const HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "x-harness-job", "x-harness-url"]);
const mockUrl = new URL(process.env.HARNESS_MOCK_URL);
const fixed = {
  "harness-entry.mjs": readFileSync(join(here, "warm-entry.mjs"), "utf8"),
  "ai-binding.mjs": readFileSync(join(here, "ai-binding.mjs"), "utf8"),
  "settle.mjs": readFileSync(join(here, "settle.mjs"), "utf8"),
  "pages.mjs": readFileSync(join(here, "pages.mjs"), "utf8"),
  "service-worker.mjs": readFileSync(join(here, "service-worker.mjs"), "utf8"),
};
const agents = new Map(); // job -> proxy agent, while the job runs

// The `request.cf` a cold run's Worker sees (Miniflare's, for a dispatchFetch like run.mjs's), once.
async function coldCf() {
  const { Miniflare } = require("miniflare");
  const mf = new Miniflare({
    cf: CF, modules: true, compatibilityDate: COMPATIBILITY_DATE,
    script: "export default { fetch(request) { return Response.json(request.cf ?? null); } };",
  });
  try {
    return await (await mf.dispatchFetch("http://localhost/")).json();
  } finally {
    await mf.dispose();
  }
}
const cf = await coldCf();
const say = (message) => process.stdout.write(JSON.stringify(message) + "\n");

// The Worker's own requests, from the host's Outbound entrypoint: sent on through the proxy.
const outbound = createServer(async (req, res) => {
  const agent = agents.get(req.headers["x-harness-job"]);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    if (!agent) throw new Error("the snippet that sent this has finished");
    const headers = new Headers(Object.entries(req.headers).filter(([name]) => !HOP.has(name)));
    const answer = await sendOut(req.headers["x-harness-url"], { method: req.method, headers, body: Buffer.concat(chunks) }, agent);
    const body = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, [...answer.headers].filter(([name]) => !HOP.has(name)).flat());
    res.end(body);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(error?.stack ?? error));
  }
});
// Its own files (workerd's config, a socket): in HARNESS_WARM_DIR, which the harness removes, or made here.
const ownDir = !process.env.HARNESS_WARM_DIR;
const dir = process.env.HARNESS_WARM_DIR || mkdtempSync(join(tmpdir(), "harness-warm-worker-"));
const outSocket = join(dir, "out.sock");
await new Promise((resolve) => outbound.listen(outSocket, resolve));

function config(dir) {
  const slots = Array.from({ length: SLOTS }, (_, i) =>
    `(name = "SLOT${i}", service = (name = "host", entrypoint = "Outbound", props = (json = "{\\"slot\\": ${i}}")))`);
  writeFileSync(join(dir, "host.mjs"), readFileSync(join(here, "warm-host.mjs")));
  writeFileSync(join(dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "host", worker = .host),
    (name = "mock", external = (address = "${mockUrl.host}", http = ())),
    (name = "out", external = (address = "unix:${outSocket}", http = ())),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "host") ],
);
const host :Workerd.Worker = (
  modules = [ (name = "host.mjs", esModule = embed "host.mjs") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [ (name = "LOADER", workerLoader = ()), (name = "MOCK", service = "mock"), (name = "OUT", service = "out"),
    ${slots.join(",\n    ")} ],
);
`);
  return join(dir, "config.capnp");
}

// workerd's output, line by line, into the running job's buffers until that job's marker.
let current = null;
function collect(stream, name) {
  createInterface({ input: stream }).on("line", (line) => {
    if (!current) return process.stderr.write(`workerd ${name}: ${line}\n`);
    if (line === current.mark) return current.marked(name);
    const kept = current[name];
    if (kept.length < current.limit) current[name] = kept + line + "\n";
    else current.truncated = true;
  });
}

const workerd = spawn(workerdPath, ["serve", config(dir), "--experimental", "--control-fd=3"], {
  stdio: ["ignore", "pipe", "pipe", "pipe"], cwd: dir,
});
collect(workerd.stdout, "stdout");
collect(workerd.stderr, "stderr");
workerd.on("exit", (code, signal) => {
  current?.fail(`workerd exited (${signal || code})`);
  if (ownDir) rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
const port = await new Promise((resolve) => {
  createInterface({ input: workerd.stdio[3] }).on("line", (line) => {
    const event = JSON.parse(line);
    if (event.event === "listen" && event.socket === "http") resolve(event.port);
  });
});
const base = `http://127.0.0.1:${port}`;

let slot = 0;
async function run(job) {
  const entry = job.source === undefined ? job.entry : { source: job.source, loader: job.loader, name: job.name };
  const built = await bundle(entry, job.aiVersion || "");
  if (built.errors) return { exit: 3, stdout: "", stderr: built.errors.map((line) => line + "\n").join("") };
  const id = `${job.job}-${randomBytes(6).toString("hex")}`;
  const done = { stdout: false, stderr: false };
  let settle;
  const ended = new Promise((resolve) => { settle = resolve; });
  current = {
    mark: MARK, stdout: "", stderr: "", limit: job.limit || 1_000_000, truncated: false,
    marked(name) { done[name] = true; if (done.stdout && done.stderr) settle(); },
    fail(reason) { this.stderr += `harness: ${reason}\n`; settle(); },
  };
  agents.set(id, proxyAgent(job.proxy));
  const requests = workerRequests(job.requests);
  try {
    const load = await fetch(`${base}/__harness/load`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({
        job: id, slot: slot++ % SLOTS, cf, token: job.token || "", secret: randomBytes(12).toString("hex"), mark: MARK,
        runs: requests.length, pages: job.pages || "",
        compatibilityDate: COMPATIBILITY_DATE, compatibilityFlags: COMPATIBILITY_FLAGS,
        modules: { ...fixed, "snippet.mjs": built.script },
      }),
    });
    if (!load.ok) throw new Error(`the warm host did not load the snippet: ${await load.text()}`);
    // The request(s) Miniflare's dispatchFetch gives the cold runner's Worker, as far as the snippet can see.
    const answers = [];
    for (const request of requests) {
      const init = requestInit(request, { "accept-encoding": "br, gzip", "cf-connecting-ip": "127.0.0.1" });
      const answer = await fetch(`${base}${request.path}`, { ...init, headers: { ...init.headers, "x-harness-run": id } });
      const body = Buffer.from(await answer.arrayBuffer());
      if (answer.headers.get("x-harness-start-failed")) {
        await ended;
        return { exit: 1, stdout: current.stdout, stderr: `${current.stderr}${body}\n${START_FAILED}\n` };
      }
      answers.push({ status: answer.status, headers: [...answer.headers.entries()], body_b64: body.toString("base64") });
    }
    const response = chosenAnswer(answers);
    if (job.result) writeFileSync(job.result, JSON.stringify(response));
    await ended;
    return {
      exit: 0, stdout: current.stdout, stderr: current.stderr, truncated: current.truncated,
      ...(job.result ? {} : { response }),
    };
  } catch (error) {
    return { exit: 1, stdout: current.stdout, stderr: current.stderr + String(error?.stack ?? error) + "\n" };
  } finally {
    agents.get(id)?.close();
    agents.delete(id);
    current = null;
  }
}

// One job at a time, in order of arrival.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  const job = JSON.parse(line);
  queue = queue.then(() => run(job)).then((result) => say({ job: job.job, ...result }));
}).on("close", () => workerd.kill("SIGKILL"));
say({ ready: true });
