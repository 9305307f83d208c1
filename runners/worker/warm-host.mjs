// The host Worker of the warm server (serve.mjs): one workerd, one fresh isolate per snippet.
// `POST /__harness/load` loads a snippet through workerd's Worker Loader under a unique id (so no
// isolate is ever reused); the next `GET /` with `x-harness-run: <job>` is handed to it, as
// Miniflare's dispatchFetch hands the cold runner's. Each job has an outbound slot (an `Outbound`
// entrypoint whose props name the slot): the snippet's `env.AI` calls go to the mock, its own
// fetch() to serve.mjs, which sends it through the proxy with the snippet's token. A job ends once its
// answer's body is through and its `ctx.waitUntil` work is done (the entry's signal, settle.mjs), or
// when it threw. A slot refuses once its job has ended, so a late request is never counted as another
// snippet's.
import { WorkerEntrypoint } from "cloudflare:workers";

const live = new Map(); // slot -> { job, secret, mark, settle }
const WAIT_UNTIL_LIMIT_MS = 30_000; // as workerd's own limit on work after the answer
const loaded = new Map(); // job -> the loader's code, until its GET (a stub is bound to the request that made it)

export class Outbound extends WorkerEntrypoint {
  async fetch(request) {
    const job = live.get(this.ctx.props.slot);
    if (!job) return new Response("harness: the snippet that sent this has finished", { status: 502 });
    const headers = new Headers(request.headers);
    if (headers.get("x-harness-binding") === job.secret) {
      if (headers.has("x-harness-settled")) {
        job.settle();
        return new Response(null, { status: 204 });
      }
      headers.delete("x-harness-binding");
      return this.env.MOCK.fetch(new Request(request, { headers }));
    }
    headers.set("cf-worker", CF_WORKER); // as Miniflare 4 (and the real runtime) marks a Worker's subrequests
    headers.set("x-harness-job", job.job);
    headers.set("x-harness-url", request.url);
    return this.env.OUT.fetch("http://serve/", { method: request.method, headers, body: request.body, redirect: "manual" });
  }
}

function load(job, env) {
  loaded.set(job.job, {
    slot: job.slot, secret: job.secret, mark: job.mark, cf: job.cf, left: job.runs || 1,
    code: {
      compatibilityDate: job.compatibilityDate, compatibilityFlags: job.compatibilityFlags,
      mainModule: "harness-entry.mjs",
      // each an ES module by its type (the loader takes only `.js` names as plain text)
      modules: Object.fromEntries(Object.entries(job.modules).map(([name, text]) => [name, { js: text }])),
      env: { HARNESS_TOKEN: job.token, HARNESS_SECRET: job.secret, HARNESS_PAGES: job.pages || "" },
      globalOutbound: env[`SLOT${job.slot}`],
    },
  });
  return new Response("loaded");
}

// Ends one request of a job; after its last, the markers tell serve.mjs which output lines were the job's.
function ender(slot, job, last) {
  return (failed = false) => {
    if (live.get(slot) !== job) return; // a later request of the same job has the slot now
    live.delete(slot);
    if (!last && !failed) return;
    console.log(job.mark);
    console.error(job.mark);
  };
}

const CF_WORKER = "snippet.example.com"; // Miniflare's zone for the Worker named `snippet` (run.mjs)
const LOADER_START_FAILED = "Failed to start Worker:"; // what the loader throws for a module that does not evaluate
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__harness/load") return load(await request.json(), env);
    const id = request.headers.get("x-harness-run");
    const run = loaded.get(id);
    if (!run) return new Response("harness: no such job", { status: 404 });
    run.left -= 1; // a job may send several requests to the same isolate, one after the other
    if (run.left <= 0) loaded.delete(id);
    let settle;
    const settled = new Promise((resolve) => { settle = resolve; });
    const job = { job: id, secret: run.secret, mark: run.mark, settle };
    live.set(run.slot, job);
    const finished = (piped) => Promise.all([piped, Promise.race([settled, sleep(WAIT_UNTIL_LIMIT_MS)])]);
    const worker = env.LOADER.get(id, () => run.code);
    const headers = new Headers(request.headers);
    headers.delete("x-harness-run");
    headers.set("connection", "close"); // as Miniflare 4's dispatchFetch sends it to the cold runner's Worker
    const end = ender(run.slot, job, run.left <= 0);
    const { pathname, search } = new URL(request.url);
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : request.body;
    let answer;
    try {
      answer = await worker.getEntrypoint().fetch(new Request(`http://localhost${pathname}${search}`, {
        method: request.method, headers, body, cf: run.cf, redirect: "manual", // a redirect is the answer
      }));
    } catch (e) {
      loaded.delete(id);
      end(true);
      const message = String(e?.message ?? e);
      if (message.startsWith(LOADER_START_FAILED)) { // as run.mjs reports it: the runtime's error, and exit 1
        return new Response(message.slice(LOADER_START_FAILED.length).trim(), { status: 500, headers: { "x-harness-start-failed": "1" } });
      }
      // as Miniflare's entry worker answers a handler that throws
      return new Response(e?.stack ?? String(e), { status: 500 });
    }
    if (!answer.body) {
      ctx.waitUntil(finished(null).finally(end));
      return answer;
    }
    const { readable, writable } = new TransformStream();
    ctx.waitUntil(finished(answer.body.pipeTo(writable).catch(() => {})).finally(end));
    return new Response(readable, answer);
  },
};
