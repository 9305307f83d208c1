// `npm create cloudflare@latest NAME -- ...` for snippets, offline: lays out the folder C3's "hello-world"
// Worker template makes (package.json, wrangler.jsonc, src/index.js|ts, tsconfig.json), links this
// runner's node_modules into it, and prints C3's closing lines; `--framework hono` lays out the Hono
// template (a Hono app as src/index.ts). Git and deploying are skipped, as with `--git=false --deploy=false`;
// another template (`--framework`, `--template`) fails, naming itself.
import { mkdirSync, writeFileSync, existsSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2).filter((a) => a !== "--");
const flags = {};
const positional = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (!arg.startsWith("--")) { positional.push(arg); continue; }
  const [key, value] = arg.slice(2).split("=");
  const next = args[i + 1];
  flags[key] = value ?? (next && !next.startsWith("--") && ["type", "lang", "framework", "template", "category"].includes(key) ? args[++i] : "true");
}
const name = positional[0] || "my-worker";
const type = flags.type || "hello-world";
const hono = flags.framework === "hono";
if ((flags.framework && !hono) || flags.template || !["hello-world", "hello-world-durable-object", "common"].includes(type)) {
  console.error(`harness: C3's "${flags.framework || flags.template || type}" template is not reproduced offline (only the hello-world Worker and Hono)`);
  process.exit(1);
}
if (existsSync(name)) {
  console.error(`✖ ERROR  Directory \`${name}\` already exists and is not empty. Please choose a new name.`);
  process.exit(1);
}
const ts = hono || (flags.lang ? flags.lang === "ts" : flags.ts !== "false");
const main = ts ? "src/index.ts" : "src/index.js";
mkdirSync(join(name, "src"), { recursive: true });
const pkg = {
  name, version: "0.0.0", private: true,
  scripts: { deploy: "wrangler deploy", dev: "wrangler dev", start: "wrangler dev", "cf-typegen": "wrangler types" },
  ...(hono ? { dependencies: { hono: "^4.13.23" } } : {}),
  devDependencies: { wrangler: "^4.76.0", ...(ts ? { typescript: "^5.5.2" } : {}) },
};
writeFileSync(join(name, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
writeFileSync(join(name, "wrangler.jsonc"), JSON.stringify({
  $schema: "node_modules/wrangler/config-schema.json", name, main, compatibility_date: "2025-10-01",
  observability: { enabled: true },
}, null, "\t") + "\n");
const sig = ts ? "request, env, ctx): Promise<Response>" : "request, env, ctx)";
if (hono) writeFileSync(join(name, main), "import { Hono } from 'hono'\n\nconst app = new Hono()\n\napp.get('/', (c) => {\n  return c.text('Hello Hono!')\n})\n\nexport default app\n");
else writeFileSync(join(name, main), `export default {\n\tasync fetch(${sig} {\n\t\treturn new Response('Hello World!');\n\t},\n}${ts ? " satisfies ExportedHandler<Env>" : ""};\n`);
if (ts) writeFileSync(join(name, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "es2021", module: "es2022", moduleResolution: "Bundler", strict: true, noEmit: true, types: ["./worker-configuration.d.ts"] } }, null, "\t") + "\n");
symlinkSync(join(here, "node_modules"), join(name, "node_modules"));
console.log(`╭ Create an application with Cloudflare Step 1 of 3\n│\n├ In which directory do you want to create your application?\n│ dir ./${name}\n│\n├ What would you like to start with?\n│ category ${hono ? "Framework Starter" : "Hello World example"}\n│\n├ Which template would you like to use?\n│ type ${hono ? "Hono" : "Worker only"}\n│\n├ Which language do you want to use?\n│ lang ${ts ? "TypeScript" : "JavaScript"}\n│\n├ Copying template files\n│ files copied to project directory\n│\n╰ Application created\n\n────────────────────────────────────────────────────────────\n🎉  SUCCESS  Application created successfully!\n`);
