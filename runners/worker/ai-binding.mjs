// The `env.AI` binding a Worker snippet sees: the same surface as the runtime's own binding
// (`run(model, inputs, options)`, `lastRequestId`, `getLogs()`), answered by the harness's mock.
// Installed as a Miniflare wrapped binding; `env.MOCK` reaches the mock, `env.TOKEN` names the snippet.

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

  getLogs() {
    return this.logs;
  }
}

export default function (env) {
  return new AiBinding(env);
}
