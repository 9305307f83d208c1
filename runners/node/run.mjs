// Runs one Node.js snippet file. TypeScript is compiled by esbuild (types stripped, nothing else
// changed) into a module beside it first; JavaScript runs as it is. Bare imports of npm packages
// resolve from this runner's node_modules (hooks.mjs).
import { writeFileSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequire, register } from "node:module";

register("./hooks.mjs", import.meta.url);

const file = process.argv[2];
let target = file;
if (file.endsWith(".ts")) {
  const require = createRequire(import.meta.url);
  const esbuild = require("esbuild");
  try {
    const out = esbuild.transformSync(readFileSync(file, "utf8"), {
      loader: "ts", format: "esm", target: "node20", sourcefile: file,
    });
    target = file.replace(/\.ts$/, ".mjs");
    writeFileSync(target, out.code);
  } catch (error) {
    console.error(String(error.message || error));
    process.exit(3);
  }
}
await import(pathToFileURL(target).href);
