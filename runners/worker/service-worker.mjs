// A Service Worker format Worker (`addEventListener("fetch", (event) => event.respondWith(...))`), run
// as workerd runs one: imported before the snippet (the entries import it first), this module keeps the
// `fetch` and `scheduled` listeners the snippet registers, and `serviceWorker(env)` is the handler that
// gives them their event. Its bindings are globals in that format, so they are set on globalThis.
export const listeners = { fetch: [], scheduled: [] };
const addEventListener = globalThis.addEventListener?.bind(globalThis);
globalThis.addEventListener = (type, listener, options) => {
  if (type in listeners) listeners[type].push(listener);
  else addEventListener?.(type, listener, options);
};

function dispatch(type, fields, ctx) {
  let answered;
  const answer = new Promise((resolve, reject) => { answered = { resolve, reject }; });
  const event = {
    type, ...fields,
    respondWith(response) { Promise.resolve(response).then(answered.resolve, answered.reject); },
    waitUntil(promise) { ctx.waitUntil(promise); },
    passThroughOnException() { ctx.passThroughOnException(); },
  };
  for (const listener of listeners[type]) listener(event);
  if (type !== "fetch") answered.resolve(undefined);
  return answer;
}

export function serviceWorker(env) {
  for (const [name, value] of Object.entries(env)) globalThis[name] = value;
  return {
    fetch: (request, _env, ctx) => dispatch("fetch", { request }, ctx),
    scheduled: (controller, _env, ctx) => dispatch("scheduled", { cron: controller.cron, scheduledTime: controller.scheduledTime }, ctx),
  };
}
