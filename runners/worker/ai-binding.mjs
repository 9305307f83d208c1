// The `env.AI` binding a Worker snippet sees: the same surface as the runtime's own binding, answered
// by the harness's mock: `run(model, inputs, options)` (the runtime and @cloudflare/ai 1.2), and
// `fetch(url, init)` (the older clients: 1.0.x posts gzip tensors to http://workers-binding.ai/run,
// 1.1 posts {inputs, options} to ...?version=2). Installed as a Miniflare wrapped binding;
// `env.MOCK` reaches the mock, `env.TOKEN` names the snippet.

function toJSONable(key, value) {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
  return value;
}

class AiBinding {
  constructor(env) {
    this.mock = env.MOCK;
    this.token = env.TOKEN;
    this.lastRequestId = "";
    this.logs = [];
  }

  async run(model, inputs, options = {}) {
    const answer = await this.mock.fetch("http://mock/__harness/binding/run", {
      method: "POST",
      headers: { "content-type": "application/json", "x-harness-token": this.token },
      body: JSON.stringify({ model, inputs, options }, toJSONable),
    });
    this.lastRequestId = answer.headers.get("cf-ai-req-id") || "";
    const type = answer.headers.get("content-type") || "";
    if (answer.ok && !type.includes("json")) return answer.body; // SSE stream or binary image
    const envelope = await answer.json();
    if (!answer.ok || !envelope.success) {
      const first = (envelope.errors || [])[0] || { code: answer.status, message: "AiError" };
      const error = new Error(`${first.code}: ${first.message}`);
      error.name = "AiError";
      throw error;
    }
    return envelope.result;
  }

  // Forwards the older clients' request as it is: the mock speaks their protocols. The body's
  // encoding travels in x-harness-content-encoding so that nothing on the way decodes it.
  async fetch(input, init = {}) {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set("x-harness-token", this.token);
    headers.set("x-harness-binding-url", request.url);
    const encoding = headers.get("content-encoding");
    if (encoding) {
      headers.set("x-harness-content-encoding", encoding);
      headers.delete("content-encoding");
    }
    const answer = await this.mock.fetch("http://mock/__harness/binding/fetch", {
      method: request.method, headers, body: await request.arrayBuffer(),
    });
    this.lastRequestId = answer.headers.get("cf-ai-req-id") || "";
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  getLogs() {
    return this.logs;
  }
}

export default function (env) {
  return new AiBinding(env);
}
