// `wrangler dev` (and `wrangler pages dev`, on its own default port 8788) as a reader runs it: the real
// wrangler dev, local mode, in the current folder, in this process's group (a launch killed at its time limit takes it along).
// Waits until it says it is ready (HARNESS_DEV_READY_S, 20 s, inside a block's 30 s), then either
//  - alone (a block that is the dev server): sends it one request (HARNESS_DEV_REQUEST, JSON
//    {method, path, headers: [[k, v]], body}), prints the answer, stops it (SIGINT, then SIGKILL);
//    exits 0 when it started and answered without an uncaught error;
//  - for a later block (HARNESS_DEV_READY_FILE set: a reader's second terminal): writes that file once
//    ready and keeps the server running until it is sent SIGINT or SIGTERM.
// Two dev servers never share a port: a lock held while the server runs is an abstract unix socket,
// named for the port, so it is shared exactly as widely as the port is (one network namespace: the
// machine's, or a docker run's sidecar's). A port held by a program that is not the harness's is an
// infrastructure error (exit 75, `harness-infra:` on stderr), never the page's failure.
import { spawn } from "node:child_process";
import net from "node:net";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);
const portAt = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
const port = portAt < 0 ? (args[0] === "pages" ? 8788 : 8787) : Number(args[portAt].includes("=") ? args[portAt].split("=")[1] : args[portAt + 1]);
const readyWithin = Number(process.env.HARNESS_DEV_READY_S || 20) * 1000;
const INFRA = 75;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const plain = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");  // wrangler colours its errors even with NO_COLOR

function lock(deadline) {  // resolves with the server that holds the lock
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const holder = net.createServer();
      holder.once("error", () => (Date.now() > deadline ? reject(new Error("lock")) : setTimeout(attempt, 250)));
      holder.listen({ path: `\0harness-wrangler-dev-${port}` }, () => resolve(holder));
    };
    attempt();
  });
}

function portBusy() {
  return new Promise((resolve) => {
    const probe = net.connect({ host: "127.0.0.1", port }, () => { probe.destroy(); resolve(true); });
    probe.once("error", () => resolve(false));
  });
}

function infra(message) {
  process.stderr.write(`harness-infra: ${message}\n`);
  process.exit(INFRA);
}

const holder = await lock(Date.now() + 15_000).catch(() => infra(
  `wrangler dev: another dev server of this harness held port ${port} for 15 s`));
for (let waited = 0; await portBusy(); waited += 250) {  // a dev server killed with its launch may still be ending
  if (waited > 10_000) infra(`wrangler dev: port ${port} is in use by another program on this machine`);
  await sleep(250);
}

// The `Request.cf` object is miniflare's placeholder rather than one fetched from Cloudflare (offline).
const child = spawn(process.execPath, [`${here}node_modules/wrangler/bin/wrangler.js`, ...args],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } });
let log = "";
let exited = null;
for (const stream of [child.stdout, child.stderr]) {
  stream.on("data", (chunk) => { log += chunk; process.stderr.write(chunk); });
}
child.on("exit", (code, signal) => { exited = code ?? signal; });

async function stop() {
  if (exited !== null) return;
  child.kill("SIGINT");
  for (let waited = 0; waited < 5000 && exited === null; waited += 100) await sleep(100);
  if (exited === null) child.kill("SIGKILL");
  holder.close();
}

const started = Date.now();
while (!/Ready on http/.test(log) && exited === null && Date.now() - started < readyWithin) await sleep(100);
if (!/Ready on http/.test(log)) {
  const why = exited === null ? `was not ready within ${readyWithin / 1000} s` : `exited (${exited}) before it was ready`;
  await stop();
  const error = plain(log).split("\n").find((line) => line.includes("[ERROR]"));
  process.stderr.write(`wrangler dev ${why}${error ? `: ${error.trim()}` : ""}\n`);
  process.exit(1);
}

if (process.env.HARNESS_DEV_READY_FILE) {
  writeFileSync(process.env.HARNESS_DEV_READY_FILE, `${port}\n`);
  const end = async () => { await stop(); process.exit(0); };
  process.on("SIGINT", end);
  process.on("SIGTERM", end);
  child.on("exit", () => { holder.close(); process.exit(0); });
} else {
  const request = JSON.parse(process.env.HARNESS_DEV_REQUEST || "{}");
  const before = log.length;
  let failed = null;
  try {
    const answer = await fetch(`http://127.0.0.1:${port}${request.path || "/"}`, {
      method: request.method || "GET", headers: request.headers || [], body: request.body ?? undefined,
    });
    const text = await answer.text();
    process.stdout.write(`${request.method || "GET"} ${request.path || "/"} -> ${answer.status}\n${text}\n`);
    await sleep(200);  // the server's log line about the request
  } catch (error) {
    failed = `the request to the dev server failed: ${error.message}`;
  }
  // a fetch handler's throw is `[wrangler:error] Error: ...`; any other uncaught one `✘ [ERROR] ...`
  const uncaught = plain(log.slice(before)).split("\n")
    .find((line) => line.includes("[ERROR]") || line.includes("[wrangler:error]"));
  await stop();
  if (failed || uncaught) {
    process.stderr.write(`wrangler dev: ${failed || `the Worker threw: ${uncaught.trim()}`}\n`);
    process.exit(1);
  }
}
