// What the cold runner (run.mjs) and the warm server (serve.mjs) share: the esbuild bundle of a
// snippet, and the Worker's own fetch() sent out through the harness's proxy like any client's.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

export const here = dirname(fileURLToPath(import.meta.url));
export const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const { ProxyAgent, fetch: proxiedFetch } = require("undici");

export const COMPATIBILITY_DATE = "2024-09-23";
export const COMPATIBILITY_FLAGS = ["nodejs_compat"];
// Miniflare's own placeholder `request.cf`: without this it fetches workers.cloudflare.com/cf.json
// on every start (a network access of the harness's own, ~30 ms, and a different cf with internet).
export const CF = false;
// The line both runners print after workerd's own report of a Worker that throws at start-up.
export const START_FAILED = "harness: the Worker failed to start (its error is above)";

// The snippet bundled (so `import { Ai } from "@cloudflare/ai"` is the real package; `aiVersion`
// "1.0" or "1.1" bundles that generation instead of 1.2): `{ script }`, or `{ errors }` as
// `line:column: text` lines. `entry` is its file, or `{ source, loader: "ts" | "js", name }`: its code.
export async function bundle(entry, aiVersion = process.env.HARNESS_AI_VERSION || "") {
  const alias = aiVersion ? { "@cloudflare/ai": `@cloudflare/ai-${aiVersion}` } : {};
  // the project's configured packages (`harness packages install`), after the runner's own
  const extra = process.env.HARNESS_NPM_PACKAGES ? [join(process.env.HARNESS_NPM_PACKAGES, "node_modules")] : [];
  const input = typeof entry === "string" ? { entryPoints: [entry] }
    : { stdin: { contents: entry.source, loader: entry.loader, resolveDir: here, sourcefile: entry.name } };
  try {
    const out = await esbuild.build({
      ...input, bundle: true, write: false, format: "esm", platform: "neutral",
      target: "es2022", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
      nodePaths: [join(here, "node_modules"), ...extra], logLevel: "silent", external: ["node:*", "cloudflare:*"], alias,
    });
    return { script: out.outputFiles[0].text };
  } catch (error) {
    return {
      errors: (error.errors || [error]).map((message) => {
        const where = message.location ? `${message.location.line}:${message.location.column}: ` : "";
        return `${where}${message.text || message.message || message}`;
      }),
    };
  }
}

export function proxyAgent(proxyUrl) {
  return proxyUrl ? new ProxyAgent({ uri: proxyUrl }) : undefined;
}

// Sends a request of the Worker's out through `agent` (the proxy, with the snippet's token).
export function sendOut(url, { method, headers, body }, agent) {
  return proxiedFetch(url, {
    method, headers, dispatcher: agent, body: ["GET", "HEAD"].includes(method) ? undefined : body,
  });
}

// The requests the harness sends the Worker (harness/worker_request.py, as JSON in HARNESS_REQUESTS or
// a job's "requests"): `[{method, path, headers: [[k, v]], body}]`; one `GET /` when none are given.
export function workerRequests(json) {
  const parsed = json ? JSON.parse(json) : [];
  return parsed.length ? parsed : [{ method: "GET", path: "/", headers: [], body: null }];
}

// The `fetch` init of one such request, on top of `base` headers (the request's own win).
export function requestInit(request, base = {}) {
  const headers = { ...base, ...Object.fromEntries(request.headers || []) };
  const body = ["GET", "HEAD"].includes(request.method) || request.body == null ? undefined : request.body;
  // A redirect is the Worker's answer, not something to follow (its target is a real host).
  return { method: request.method, headers, body, redirect: "manual" };
}

// Which of several answers is the Worker's answer: the first that failed (5xx), else the first.
export function chosenAnswer(answers) {
  return answers.find((answer) => answer.status >= 500) ?? answers[0];
}
