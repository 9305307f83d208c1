// The main module of the cold runner's Worker (run.mjs): hands the snippet's default export (or its
// Pages Function handlers, when HARNESS_PAGES gives their route: pages.mjs) the request through settle.mjs, whose signal that the snippet's waitUntil work is done goes to run.mjs's
// outbound handler at the address the binding HARNESS_SETTLE names (kept out of the snippet's env).
import * as snippet from "./snippet.mjs";
import { handle } from "./settle.mjs";
import { pagesWorker } from "./pages.mjs";

export * from "./snippet.mjs";

export default {
  fetch(request, env, ctx) {
    const { HARNESS_SETTLE, HARNESS_PAGES, ...rest } = env;
    const handler = HARNESS_PAGES ? pagesWorker(snippet, JSON.parse(HARNESS_PAGES)) : snippet.default;
    return handle(handler, request, rest, ctx, () => fetch(HARNESS_SETTLE, { method: "POST" }));
  },
};
