// Runs one Worker snippet: bundles it with esbuild (so `import { Ai } from "@cloudflare/ai"` is the
// real package), starts it in workerd through Miniflare with `env.AI` bound to the harness's mock,
// sends it one `GET /`, and writes the answer to a JSON file.
// Usage: node run.mjs <entry.ts|js> <result.json>
// Env: HARNESS_MOCK_URL (mock app), HARNESS_TOKEN (snippet token), HTTPS_PROXY (for the Worker's own fetch),
// HARNESS_AI_VERSION (optional: "1.0" or "1.1" bundles that generation of @cloudflare/ai instead of 1.2).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const esbuild = require("esbuild");
const { Miniflare, Response } = require("miniflare");
const { ProxyAgent, fetch: proxiedFetch } = require("undici");

const [entry, resultFile] = process.argv.slice(2);
const mockUrl = new URL(process.env.HARNESS_MOCK_URL);
const proxy = process.env.HTTPS_PROXY ? new ProxyAgent({ uri: process.env.HTTPS_PROXY }) : undefined;
const aiVersion = process.env.HARNESS_AI_VERSION || "";
const alias = aiVersion ? { "@cloudflare/ai": `@cloudflare/ai-${aiVersion}` } : {};

async function bundle() {
  try {
    const out = await esbuild.build({
      entryPoints: [entry], bundle: true, write: false, format: "esm", platform: "neutral",
      target: "es2022", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
      nodePaths: [join(here, "node_modules")], logLevel: "silent", external: ["node:*", "cloudflare:*"], alias,
    });
    return out.outputFiles[0].text;
  } catch (error) {
    for (const message of error.errors || [error]) {
      const where = message.location ? `${message.location.line}:${message.location.column}: ` : "";
      console.error(`${where}${message.text || message.message || message}`);
    }
    process.exit(3);
  }
}

// The Worker's own fetch() goes out through the proxy, like any other client's.
async function outbound(request) {
  const answer = await proxiedFetch(request.url, {
    method: request.method, headers: request.headers, dispatcher: proxy,
    body: ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer(),
  });
  return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
}

const mf = new Miniflare({
  workers: [
    {
      name: "snippet", modules: true, script: await bundle(), compatibilityDate: "2024-09-23",
      compatibilityFlags: ["nodejs_compat"],
      wrappedBindings: { AI: { scriptName: "harness-ai", bindings: { TOKEN: process.env.HARNESS_TOKEN || "" } } },
      outboundService: outbound,
    },
    {
      name: "harness-ai", modules: true, script: readFileSync(join(here, "ai-binding.mjs"), "utf8"),
      serviceBindings: { MOCK: { external: { address: mockUrl.host, http: {} } } },
    },
  ],
});
try {
  const answer = await mf.dispatchFetch("http://localhost/");
  const body = Buffer.from(await answer.arrayBuffer());
  writeFileSync(resultFile, JSON.stringify({
    status: answer.status, headers: [...answer.headers.entries()].filter(([name]) => !name.startsWith("mf-")), body_b64: body.toString("base64"),
  }));
} finally {
  await mf.dispose();
}
