// Runs one Node.js snippet file. TypeScript is compiled by esbuild (types stripped, nothing else
// changed) into a module beside it first; JavaScript runs as it is. Bare imports of npm packages
// resolve from this runner's node_modules (hooks.mjs).
//
// `node --require shim.cjs run.mjs FILE` runs FILE. `node --require shim.cjs run.mjs --spare JOB_FD
// READY_FD` is a spare (harness/run/local/node_spares.py): it pays Node's start, the hooks' thread,
// undici and a first fetch ahead, writes "ready\n" on READY_FD, then reads one job line on JOB_FD,
// `{"file", "workdir", "env"}`, becomes that snippet's process (its cwd, environment, argv, proxy),
// and runs it like the first form; it is used once, and exits as the snippet's own process would.
import { closeSync, readFileSync, readSync, writeFileSync, writeSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequire, register } from "node:module";

register("./hooks.mjs", import.meta.url);
const require = createRequire(import.meta.url);

async function runFile(file) {
  let target = file;
  if (file.endsWith(".ts")) {
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
}

// What a snippet's first fetch would load, compile and set up, done once against a server of our
// own on 127.0.0.1 (no proxy, nothing recorded), then closed: Node's fetch, undici's Agent and its
// HTTP parser, and the TLS root store with the run's CA (NODE_EXTRA_CA_CERTS).
async function warm() {
  const { Agent } = require("undici");
  const http = require("node:http");
  const server = http.createServer((request, response) => request.resume().on("end", () => response.end("{}")));
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const agent = new Agent();
  const answer = await fetch(`http://127.0.0.1:${server.address().port}/`, {
    method: "POST", body: JSON.stringify({ warm: true }), headers: { "content-type": "application/json" },
    dispatcher: agent,
  });
  await answer.json();
  await agent.close();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  require("node:tls").createSecureContext();
  require("node:https");
}

function waitForJob(jobFd, readyFd) {
  writeSync(readyFd, "ready\n");
  closeSync(readyFd);
  const chunks = [];
  const buffer = Buffer.alloc(65536);
  for (;;) {
    const read = readSync(jobFd, buffer);
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
    if (buffer[read - 1] === 10) break;
  }
  closeSync(jobFd);
  const line = Buffer.concat(chunks).toString("utf8").trim();
  if (!line) process.exit(0); // the harness is done with it: no snippet ran
  return JSON.parse(line);
}

function become(job) {
  process.chdir(job.workdir);
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, job.env);
  require("node:module")._initPaths(); // `require`'s global folders, from this HOME and NODE_PATH
  process.argv.splice(2, Infinity, job.file);
  const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
  if (proxy) require("./shim.cjs").route(proxy);
}

if (process.argv[2] === "--spare") {
  const [jobFd, readyFd] = process.argv.slice(3, 5).map(Number);
  await warm();
  const job = waitForJob(jobFd, readyFd);
  become(job);
  await runFile(job.file);
} else {
  await runFile(process.argv[2]);
}
