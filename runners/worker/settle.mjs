// Runs a snippet's handler as workerd would, and says when its `ctx.waitUntil` work is done.
// workerd keeps running that work after the answer (up to 30 s), so what it prints and the requests
// it sends are the snippet's; a runner that ended the job with the answer would lose them. The
// handler gets a context of its own whose waitUntil also records the promise; once the handler has
// answered (or thrown) and every recorded promise has settled, including ones added meanwhile,
// `settled()` is called: the runner ends the job on that signal and the answer's body, not before.
// A handler that throws: its work is drained and signalled before the error goes on.

// `method` is the handler's: `fetch` (given the request), or `scheduled` (given the controller).
export async function handle(handler, request, env, ctx, settled, method = "fetch") {
  const pending = [];
  const own = {
    waitUntil(promise) {
      pending.push(Promise.resolve(promise).catch(() => {}));
      ctx.waitUntil(promise);
    },
    passThroughOnException() { ctx.passThroughOnException(); },
    get props() { return ctx.props; },
  };
  const drained = async () => {
    for (let seen = -1; seen !== pending.length;) {
      seen = pending.length;
      await Promise.all(pending);
    }
    await settled();
  };
  try {
    const answer = typeof handler === "function" ? new handler(own, env)[method](request) : handler[method](request, env, own);
    const result = await answer;
    ctx.waitUntil(drained());
    return result;
  } catch (error) {
    await drained();
    throw error;
  }
}
