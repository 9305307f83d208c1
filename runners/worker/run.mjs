// Runs one Worker snippet: bundles it with esbuild (so `import { Ai } from "@cloudflare/ai"` is the
// real package), starts it in workerd through Miniflare with `env.AI` bound to the harness's mock,
// sends it one `GET /`, and writes the answer to a JSON file.
// Usage: node run.mjs <entry.ts|js> <result.json>
// Env: HARNESS_MOCK_URL (mock app), HARNESS_TOKEN (snippet token), HTTPS_PROXY (for the Worker's own fetch).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CF, COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, bundle, here, proxyAgent, require, sendOut } from "./shared.mjs";

const { Miniflare, Response } = require("miniflare");

const [entry, resultFile] = process.argv.slice(2);
const mockUrl = new URL(process.env.HARNESS_MOCK_URL);
const proxy = proxyAgent(process.env.HTTPS_PROXY);

const built = await bundle(entry);
if (built.errors) {
  for (const line of built.errors) console.error(line);
  process.exit(3);
}

// The Worker's own fetch() goes out through the proxy, like any other client's.
async function outbound(request) {
  const answer = await sendOut(request.url, {
    method: request.method, headers: request.headers, body: await request.arrayBuffer(),
  }, proxy);
  return new Response(await answer.arrayBuffer(), { status: answer.status, headers: answer.headers });
}

const mf = new Miniflare({
  cf: CF,
  workers: [
    {
      name: "snippet", modules: true, script: built.script, compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: COMPATIBILITY_FLAGS,
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
  // A redirect is the Worker's answer, not something to follow (its target is a real host).
  const answer = await mf.dispatchFetch("http://localhost/", { redirect: "manual" });
  const body = Buffer.from(await answer.arrayBuffer());
  writeFileSync(resultFile, JSON.stringify({
    status: answer.status, headers: [...answer.headers.entries()].filter(([name]) => !name.startsWith("mf-")), body_b64: body.toString("base64"),
  }));
} finally {
  await mf.dispose();
}
