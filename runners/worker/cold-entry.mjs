// The main module of the cold runner's Worker (run.mjs): hands the snippet's default export the
// request through settle.mjs, whose signal that the snippet's waitUntil work is done goes to run.mjs's
// outbound handler at the address the binding HARNESS_SETTLE names (kept out of the snippet's env).
import * as snippet from "./snippet.mjs";
import { handle } from "./settle.mjs";

export * from "./snippet.mjs";

export default {
  fetch(request, env, ctx) {
    const { HARNESS_SETTLE, ...rest } = env;
    return handle(snippet.default, request, rest, ctx, () => fetch(HARNESS_SETTLE, { method: "POST" }));
  },
};
