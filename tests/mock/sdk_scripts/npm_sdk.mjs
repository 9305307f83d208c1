// Drives the official npm `cloudflare` SDK against the mock; prints what it got as JSON.
// argv: base_url account_id api_token {"error name": "snippet token", ...} (see python_sdk.py)
import { readFileSync } from "node:fs";
import Cloudflare from "cloudflare";

const LLAMA = "@cf/meta/llama-3-8b-instruct";
const BGE = "@cf/baai/bge-small-en-v1.5";
const [baseURL, account_id, apiToken, tokensJson] = process.argv.slice(2);
const manifest = new URL("./node_modules/cloudflare/package.json", import.meta.url);
const version = JSON.parse(readFileSync(manifest, "utf8")).version;

const client = new Cloudflare({ apiToken, baseURL, maxRetries: 0 });
const out = { version };
out.chat = await client.ai.run(LLAMA, { account_id, prompt: "Tell me a story" });
out.messages = await client.ai.run(LLAMA, { account_id, messages: [{ role: "user", content: "Hi" }] });
out.embeddings = await client.ai.run(BGE, { account_id, text: ["first", "second"] });
const response = await client.ai.run(LLAMA, { account_id, prompt: "Tell me a story", stream: true }).asResponse();
out.stream_type = response.headers.get("content-type");
out.stream = (await response.text()).split("\n").filter((line) => line);

out.errors = {};
const calls = { "invalid-input": { messages: [{ role: "user", content: 7 }] }, "no-such-model": { prompt: "hi" } };
for (const [name, token] of Object.entries(JSON.parse(tokensJson))) {
  const key = name === "bad-token" ? "not-the-token" : apiToken;
  const each = new Cloudflare({ apiToken: key, baseURL, maxRetries: 0, defaultHeaders: { "x-harness-token": token } });
  const model = name === "no-such-model" ? "@cf/nobody/nothing" : LLAMA;
  try {
    if (name === "routing") await each.get(`/accounts/${account_id}/ai/no-such-route`);
    else await each.ai.run(model, { account_id, ...(calls[name] ?? { prompt: "hi" }) });
    out.errors[name] = null;
  } catch (error) {
    if (!(error instanceof Cloudflare.APIError)) throw error;
    const codes = (error.errors ?? []).map(({ code, message }) => ({ code, message }));
    out.errors[name] = [error.constructor.name, error.status, codes];
  }
}
console.log(JSON.stringify(out));
