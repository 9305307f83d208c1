// The Workflow instances a snippet's Worker starts run in Miniflare's engine after the Worker has
// answered, as on Cloudflare. The cold runner waits for them as for `ctx.waitUntil` work (settle.mjs),
// so what their steps print and the requests they send are the snippet's: each Workflow binding (names in
// HARNESS_WORKFLOWS, run.mjs) is handed to the snippet with `create` and `createBatch` noting the
// instances they start; `finished()` waits until each has ended (complete, errored or terminated) or
// LIMIT_MS has passed, and says on stderr which errored and why.

const LIMIT_MS = 25_000; // within workerd's 30 s for work after the answer
const ENDED = new Set(["complete", "errored", "terminated"]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function watchWorkflows(env, names) {
  const started = [];
  const watched = { ...env };
  for (const name of names) {
    const binding = env[name];
    if (!binding) continue;
    const note = (instance) => { started.push({ name, instance }); return instance; };
    watched[name] = {
      create: async (options) => note(await binding.create(options)),
      createBatch: async (batch) => (await binding.createBatch(batch)).map(note),
      get: (id) => binding.get(id),
    };
  }
  async function ended({ name, instance }, deadline) {
    for (;;) {
      const state = await instance.status();
      if (ENDED.has(state.status)) {
        if (state.status === "errored") {
          console.error(`harness: Workflow instance ${instance.id} of ${name} errored: ${state.error?.message ?? JSON.stringify(state.error)}`);
        }
        return;
      }
      if (Date.now() > deadline) return;
      await sleep(50);
    }
  }
  async function finished() {
    const deadline = Date.now() + LIMIT_MS;
    for (let seen = 0; seen < started.length;) {
      const batch = started.slice(seen);
      seen = started.length;
      await Promise.all(batch.map((run) => ended(run, deadline).catch(() => {})));
    }
  }
  return { env: watched, finished };
}
