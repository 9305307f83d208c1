// The main module of the cold runner's Worker (run.mjs): hands the snippet's default export (or its
// Pages Function handlers, when HARNESS_PAGES gives their route: pages.mjs) the request through settle.mjs, whose signal that the snippet's waitUntil work is done goes to run.mjs's
// outbound handler at the address the binding HARNESS_SETTLE names (kept out of the snippet's env).
import { listeners, serviceWorker } from "./service-worker.mjs"; // first: it keeps the listeners the snippet adds
import * as snippet from "./snippet.mjs";
import { handle } from "./settle.mjs";
import { pagesWorker } from "./pages.mjs";
import { watchWorkflows } from "./workflows.mjs";

export * from "./snippet.mjs";

// The snippet's handler: its default export, else its Service Worker listeners.
const own = (env) => (snippet.default === undefined && listeners.fetch.length + listeners.scheduled.length ? serviceWorker(env) : snippet.default);

// The snippet's env, with its Workflow bindings watched (workflows.mjs): the job settles once the
// instances it started have ended too.
function prepared(env) {
  const { HARNESS_SETTLE, HARNESS_PAGES, HARNESS_WORKFLOWS, ...rest } = env;
  const { env: watched, finished } = watchWorkflows(rest, JSON.parse(HARNESS_WORKFLOWS || "[]"));
  const settled = async () => { await finished(); await fetch(HARNESS_SETTLE, { method: "POST" }); };
  return { env: watched, pages: HARNESS_PAGES, settled };
}

export default {
  fetch(request, env, ctx) {
    const { env: rest, pages, settled } = prepared(env);
    const handler = pages ? pagesWorker(snippet, JSON.parse(pages)) : own(rest);
    return handle(handler, request, rest, ctx, settled);
  },
  // A cron trigger (run.mjs sends one to a Worker whose only handler is `scheduled`).
  scheduled(controller, env, ctx) {
    const { env: rest, settled } = prepared(env);
    return handle(own(rest), controller, rest, ctx, settled, "scheduled");
  },
};
