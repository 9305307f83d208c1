// The main module of the cold runner's Worker (run.mjs): hands the snippet's default export (or its
// Pages Function handlers, when HARNESS_PAGES gives their route: pages.mjs) the request through settle.mjs, whose signal that the snippet's waitUntil work is done goes to run.mjs's
// outbound handler at the address the binding HARNESS_SETTLE names (kept out of the snippet's env).
import { listeners, serviceWorker } from "./service-worker.mjs"; // first: it keeps the listeners the snippet adds
import * as snippet from "./snippet.mjs";
import { handle } from "./settle.mjs";
import { pagesWorker } from "./pages.mjs";

export * from "./snippet.mjs";

// The snippet's handler: its default export, else its Service Worker listeners.
const own = (env) => (snippet.default === undefined && listeners.fetch.length + listeners.scheduled.length ? serviceWorker(env) : snippet.default);

export default {
  fetch(request, env, ctx) {
    const { HARNESS_SETTLE, HARNESS_PAGES, ...rest } = env;
    const handler = HARNESS_PAGES ? pagesWorker(snippet, JSON.parse(HARNESS_PAGES)) : own(rest);
    return handle(handler, request, rest, ctx, () => fetch(HARNESS_SETTLE, { method: "POST" }));
  },
  // A cron trigger (run.mjs sends one to a Worker whose only handler is `scheduled`).
  scheduled(controller, env, ctx) {
    const { HARNESS_SETTLE, HARNESS_PAGES, ...rest } = env;
    return handle(own(rest), controller, rest, ctx, () => fetch(HARNESS_SETTLE, { method: "POST" }), "scheduled");
  },
};
