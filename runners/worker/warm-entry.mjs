// The main module of each snippet's isolate in the warm server: hands the snippet's own default
// export (or its Pages Function handlers: pages.mjs) the request, with `env.AI` built from ai-binding.mjs as the cold runner's wrapped binding is.
// The binding's calls carry a secret header so the host tells them from the snippet's own fetch();
// so does the signal that the snippet's waitUntil work is done (settle.mjs).
import { listeners, serviceWorker } from "./service-worker.mjs"; // first: it keeps the listeners the snippet adds
import * as snippet from "./snippet.mjs";
import makeBinding from "./ai-binding.mjs";
import { handle } from "./settle.mjs";
import { pagesWorker } from "./pages.mjs";

export * from "./snippet.mjs";

export default {
  fetch(request, env, ctx) {
    const { HARNESS_TOKEN, HARNESS_SECRET, HARNESS_PAGES, ...rest } = env;
    const mock = {
      fetch(url, init = {}) {
        const headers = new Headers(init.headers);
        headers.set("x-harness-binding", HARNESS_SECRET);
        return fetch(url, { ...init, headers });
      },
    };
    const userEnv = { ...rest, AI: makeBinding({ MOCK: mock, TOKEN: HARNESS_TOKEN }) };
    const settled = () => mock.fetch("http://harness/settled", { method: "POST", headers: { "x-harness-settled": "1" } });
    const listened = snippet.default === undefined && listeners.fetch.length > 0;
    const handler = HARNESS_PAGES ? pagesWorker(snippet, JSON.parse(HARNESS_PAGES)) : listened ? serviceWorker(userEnv) : snippet.default;
    return handle(handler, request, userEnv, ctx, settled);
  },
};
