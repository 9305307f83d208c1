// The Worker bindings a snippet gets from Miniflare's own simulators, as Miniflare options: KV, R2,
// D1, Durable Objects (the class the snippet exports), Queue producers, rate limiters, and vars and
// secrets as plain values; and the mock's own for what Miniflare does not simulate (a Vectorize index,
// an Analytics Engine dataset, a service binding, static assets, Stream, Browser Rendering: mock-binding.mjs). `list` is HARNESS_BINDINGS (harness/runtimes/worker_bindings.py):
// `[{type, name, ...the wrangler configuration's fields}]`. Storage is in memory, fresh per run.

export const STAND_INS = "harness-stand-ins";

// The Worker that exports the stand-in classes (`standIns` of miniflareOptions), or none.
export function standInWorker(standIns, source, token, mockService) {
  if (!standIns.length) return [];
  const lines = standIns.map(({ className, name, methods }) =>
    `export const ${className} = standIn(${JSON.stringify(name)}, ${JSON.stringify(methods)});`);
  const entry = `import { standIn } from "./durable-stand-in.mjs";\n${lines.join("\n")}\n` +
    "export default { fetch() { return new Response(null, { status: 404 }); } };\n";
  return [{
    name: STAND_INS, compatibilityDate: "2024-09-23", modulesRoot: "/",
    modules: [{ type: "ESModule", path: "/stand-ins.mjs", contents: entry },
      { type: "ESModule", path: "/durable-stand-in.mjs", contents: source }],
    bindings: { TOKEN: token }, serviceBindings: mockService,
  }];
}

export function miniflareOptions(list, token = "") {
  const options = {
    kvNamespaces: {}, r2Buckets: {}, d1Databases: {}, durableObjects: {}, queueProducers: {}, ratelimits: {}, bindings: {}, workflows: {},
    wrappedBindings: {}, standIns: [],
  };
  for (const binding of list) {
    const name = binding.name;
    switch (binding.type) {
      case "kv_namespace": options.kvNamespaces[name] = String(binding.id ?? name); break;
      case "r2_bucket": options.r2Buckets[name] = String(binding.bucket_name ?? name); break;
      case "d1_database": options.d1Databases[name] = String(binding.database_id ?? binding.database_name ?? name); break;
      case "durable_object_namespace":
        if (binding.stand_in) { // its class is not on the page: a stand-in in a Worker of its own (durable-stand-in.mjs)
          const className = `HarnessStandIn${options.standIns.length}`;
          options.standIns.push({ className, name, methods: binding.methods ?? [] });
          options.durableObjects[name] = { className, scriptName: STAND_INS };
        } else options.durableObjects[name] = binding.class_name;
        break;
      // a Workflow the snippet exports (its class: harness/runtimes/worker_bindings.py), run by Miniflare's engine
      case "workflow": options.workflows[name] = { name: String(binding.workflow_name ?? name.toLowerCase().replace(/_/g, "-")), className: binding.class_name }; break;
      case "queue": options.queueProducers[name] = String(binding.queue ?? name); break;
      case "ratelimit": {
        const simple = binding.simple ?? {};
        options.ratelimits[name] = { simple: { limit: Number(simple.limit ?? 100), period: Number(simple.period ?? 60) } };
        break;
      }
      case "var": case "secret": options.bindings[name] = binding.value; break;
      // Workers AI under another name than `AI` (`env.ai`): the same binding to the mock as `env.AI` (ai-binding.mjs)
      case "ai": options.wrappedBindings[name] = { scriptName: "harness-ai", bindings: { TOKEN: token } }; break;
      case "vectorize": case "analytics_engine": case "service": case "assets": case "stream": case "browser": {
        const { type, name: _name, ...config } = binding;
        options.wrappedBindings[name] = { scriptName: "harness-binding", bindings: { TYPE: type, NAME: name, CONFIG: config, TOKEN: token } };
        break;
      }
      default: break; // not simulated: the classifier did not run a snippet that needs it
    }
  }
  return options;
}

// The D1 databases to seed before the Worker's request: `[[binding name, [SQL statements]]]`, from a
// `d1_database` binding's `seed` (the tables its page never creates: harness/extract/d1_tables.py).
export function d1Seeds(list) {
  return list.filter((binding) => binding.type === "d1_database" && binding.seed?.length).map((binding) => [binding.name, binding.seed]);
}

// Applies the seeds to Miniflare's own D1 databases, in one batch each (a transaction: all or nothing).
export async function seedD1(mf, seeds) {
  for (const [name, statements] of seeds) {
    const db = await mf.getD1Database(name, "snippet");
    await db.batch(statements.map((sql) => db.prepare(sql)));
  }
}
