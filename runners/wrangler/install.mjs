// `npm install NAME...` for snippets, offline: each package must be one this runner installed
// (runners/wrangler/package.json). The project's package.json records it, and the project's node_modules
// is this runner's (linked), as an install from the registry would leave it.
import { existsSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const args = process.argv.slice(2);
const dev = args.some((a) => a === "-D" || a === "--save-dev");
const wanted = args.filter((a) => !a.startsWith("-"));
const nameOf = (spec) => (spec.startsWith("@") ? "@" + spec.slice(1).split("@")[0] : spec.split("@")[0]);

const missing = wanted.map(nameOf).filter((name) => !existsSync(join(modules, name, "package.json")));
if (missing.length) {
  console.error(`npm ERR! harness: ${missing.join(", ")} is not installed for wrangler projects (offline); ` +
    "add it to runners/wrangler/package.json");
  process.exit(1);
}
let project = { name: "project", private: true };
if (existsSync("package.json")) project = JSON.parse(readFileSync("package.json", "utf8"));
const key = dev ? "devDependencies" : "dependencies";
for (const spec of wanted) {
  const name = nameOf(spec);
  const { version } = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  project[key] = { ...(project[key] || {}), [name]: `^${version}` };
}
writeFileSync("package.json", JSON.stringify(project, null, 2) + "\n");
let linked = false;
try { lstatSync("node_modules"); linked = true; } catch {}
if (!linked) symlinkSync(modules, "node_modules");
console.log(`\nadded ${wanted.length} package${wanted.length === 1 ? "" : "s"}, and audited ${wanted.length + 1} packages in 0s\n\nfound 0 vulnerabilities`);
