// Runs a Pages Function module as Pages does: the handlers exported for the request's method
// (`onRequestGet`, ...) and then `onRequest` form a chain; each gets a Pages `context` whose `next()`
// calls the next handler, and after the last one answers as the static asset would (a 200 HTML page
// for the path, also what `env.ASSETS.fetch` answers). `route` is what the harness chose:
// `{ params, functionPath }` (harness/runtimes/pages_function.py).

function asset(request) {
  const { pathname } = new URL(request.url);
  const html = `<!doctype html><html><head><title>${pathname}</title></head><body><h1>Static asset ${pathname}</h1></body></html>\n`;
  return new Response(request.method === "HEAD" ? null : html, {
    status: 200, headers: { "content-type": "text/html; charset=utf-8" },
  });
}

export function pagesWorker(module, route) {
  return {
    fetch(request, env, ctx) {
      const method = request.method.charAt(0) + request.method.slice(1).toLowerCase();
      const chain = [module[`onRequest${method}`], module.onRequest].flat().filter((fn) => typeof fn === "function");
      const data = {};
      const fullEnv = { ASSETS: { fetch: (input, init) => asset(new Request(input, init)) }, ...env };
      let at = 0;
      let current = request;
      const next = async (input, init) => {
        if (input !== undefined) current = new Request(typeof input === "string" ? new URL(input, current.url) : input, init);
        const handler = chain[at++];
        if (!handler) return asset(current);
        return handler({
          request: current, env: fullEnv, params: route.params ?? {}, data, next,
          functionPath: route.functionPath ?? "/",
          waitUntil: (promise) => ctx.waitUntil(promise),
          passThroughOnException: () => ctx.passThroughOnException(),
        });
      };
      return next();
    },
  };
}
