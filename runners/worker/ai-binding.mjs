// The `env.AI` binding a Worker snippet sees: the surface of the runtime's own binding as
// @cloudflare/workers-types declares it, answered by the harness's mock:
// - `run(model, inputs, options)`: every option of `AiOptions` (`gateway`, `returnRawResponse`,
//   `prefix`, `extraHeaders`, `tags`, ...) travels to the mock and is journaled; `returnRawResponse`
//   gives the mock's `Response` as it is; a stream or a binary answer is a `ReadableStream`.
// - `gateway(id)`: `getLog`, `patchLog`, `getUrl`, `run`; `models(params)`; `toMarkdown(files)` and
//   `toMarkdown()` (`transform`, `supported`). These post to /__harness/binding/ai/<action>.
// - `fetch(url, init)`: the older clients (1.0.x posts gzip tensors to http://workers-binding.ai/run,
//   1.1 posts {inputs, options} to ...?version=2).
// Installed as a Miniflare wrapped binding; `env.MOCK` reaches the mock, `env.TOKEN` names the snippet.

function toJSONable(key, value) {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
  if (typeof AbortSignal !== "undefined" && value instanceof AbortSignal) return undefined;
  return value;
}

function aiError(envelope, status) {
  const first = (envelope.errors || [])[0] || { code: status, message: "AiError" };
  const error = new Error(`${first.code}: ${first.message}`);
  error.name = "AiError";
  return error;
}

function base64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

class AiGateway {
  constructor(binding, id) {
    this.binding = binding;
    this.id = id;
  }

  getLog(logId) {
    return this.binding.action("gateway-log", { gateway: this.id, id: logId });
  }

  async patchLog(logId, data) {
    await this.binding.action("gateway-patch-log", { gateway: this.id, id: logId, data });
  }

  getUrl(provider) {
    return this.binding.action("gateway-url", { gateway: this.id, provider });
  }

  async run(data, options = {}) {
    const answer = await this.binding.post("gateway-run", { gateway: this.id, data, options });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
}

class AiBinding {
  constructor(env) {
    this.mock = env.MOCK;
    this.token = env.TOKEN;
    this.lastRequestId = "";
    this.aiGatewayLogId = null;
    this.logs = [];
  }

  post(action, body) {
    return this.mock.fetch(`http://mock/__harness/binding/ai/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-harness-token": this.token },
      body: JSON.stringify(body, toJSONable),
    });
  }

  async action(action, body) {
    const answer = await this.post(action, body);
    const envelope = await answer.json();
    if (!answer.ok || !envelope.success) throw aiError(envelope, answer.status);
    return envelope.result;
  }

  async run(model, inputs, options = {}) {
    const answer = await this.mock.fetch("http://mock/__harness/binding/run", {
      method: "POST",
      headers: { "content-type": "application/json", "x-harness-token": this.token },
      body: JSON.stringify({ model, inputs, options }, toJSONable),
    });
    this.lastRequestId = answer.headers.get("cf-ai-req-id") || "";
    this.aiGatewayLogId = answer.headers.get("cf-aig-log-id");
    if (options && options.returnRawResponse) {
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    }
    const type = answer.headers.get("content-type") || "";
    if (answer.ok && !type.includes("json")) return answer.body; // SSE stream, image or audio
    const envelope = await answer.json();
    if (!answer.ok || envelope.success === false) throw aiError(envelope, answer.status);
    return "result" in envelope && "success" in envelope ? envelope.result : envelope;
  }

  gateway(id) {
    return new AiGateway(this, id);
  }

  models(params = {}) {
    return this.action("models", { params });
  }

  toMarkdown(files, options = {}) {
    if (files === undefined) {
      return {
        transform: (given, opts) => this.toMarkdown(given, opts),
        supported: () => this.action("supported", {}),
      };
    }
    const many = Array.isArray(files);
    return (async () => {
      const sent = [];
      for (const file of many ? files : [files]) {
        const bytes = new Uint8Array(await file.blob.arrayBuffer());
        sent.push({ name: file.name, type: file.blob.type, base64: base64(bytes) });
      }
      const done = await this.action("to-markdown", { files: sent, options });
      return many ? done : done[0];
    })();
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
