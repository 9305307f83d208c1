// The Worker bindings Miniflare does not simulate, answered by the harness's mock as `env.AI` is
// (ai-binding.mjs): a Vectorize index, an Analytics Engine dataset, a service binding, static
// assets, Stream, and Browser Rendering (browser-binding.mjs). Installed as a Miniflare wrapped binding, one per binding name, with `env.TYPE` (the
// wrangler type), `env.NAME`, `env.CONFIG` (the configuration's fields), `env.TOKEN` (names the
// snippet) and `env.MOCK` (the mock app). Every call posts to /__harness/binding/<type>/<action>
// (harness/mock/binding_doors.py), which records it in the journal.

import { BrowserBinding } from "./browser-binding.mjs";

const DATA_POINT = { blobs: 20, doubles: 20, indexes: 1, indexBytes: 96, blobBytes: 16 * 1024 };
const bytes = (value) => (value == null ? 0 : typeof value === "string" ? new TextEncoder().encode(value).length : value.byteLength);

function mockError(envelope, status) {
  const first = (envelope.errors || [])[0] || { code: status, message: `the binding's call failed with ${status}` };
  const error = new Error(first.message);
  if (first.name && first.name !== "Error") error.name = first.name; // Stream's BadRequestError, NotFoundError, ...
  return error;
}

class MockBinding {
  constructor(env) {
    this.mock = env.MOCK;
    this.token = env.TOKEN;
    this.name = env.NAME;
    this.config = env.CONFIG || {};
    this.type = env.TYPE;
  }

  headers(extra = {}) {
    return { "x-harness-token": this.token, "x-harness-binding-name": this.name, ...extra };
  }

  async call(action, args) {
    const answer = await this.mock.fetch(`http://mock/__harness/binding/${this.type}/${action}`, {
      method: "POST", headers: this.headers({ "content-type": "application/json" }),
      body: JSON.stringify({ name: this.name, config: this.config, args }),
    });
    const envelope = await answer.json();
    if (!answer.ok || !envelope.success) throw mockError(envelope, answer.status);
    return envelope.result;
  }

  // A fetch-style binding (service, assets): the request as it is, its URL in a header.
  async forward(input, init) {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(this.headers({ "x-harness-binding-url": request.url }))) headers.set(name, value);
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
    const answer = await this.mock.fetch(`http://mock/__harness/binding/${this.type}/fetch`, { method: request.method, headers, body });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }
}

class VectorizeBinding extends MockBinding {
  describe() { return this.call("describe", []); }
  insert(vectors) { return this.call("insert", [vectors]); }
  upsert(vectors) { return this.call("upsert", [vectors]); }
  query(vector, options = {}) { return this.call("query", [Array.from(vector), options]); }
  queryById(id, options = {}) { return this.call("queryById", [id, options]); }
  getByIds(ids) { return this.call("getByIds", [ids]); }
  deleteByIds(ids) { return this.call("deleteByIds", [ids]); }
}

class AnalyticsEngineBinding extends MockBinding {
  // As the runtime's: checked at once (it throws), sent on without being awaited (it returns nothing).
  writeDataPoint(point = {}) {
    const { blobs = [], doubles = [], indexes = [] } = point;
    if (blobs.length > DATA_POINT.blobs) throw new RangeError(`writeDataPoint(): at most ${DATA_POINT.blobs} blobs per data point, got ${blobs.length}`);
    if (doubles.length > DATA_POINT.doubles) throw new RangeError(`writeDataPoint(): at most ${DATA_POINT.doubles} doubles per data point, got ${doubles.length}`);
    if (indexes.length > DATA_POINT.indexes) throw new RangeError(`writeDataPoint(): at most ${DATA_POINT.indexes} index per data point, got ${indexes.length}`);
    if (indexes.some((index) => bytes(index) > DATA_POINT.indexBytes)) throw new RangeError(`writeDataPoint(): an index is at most ${DATA_POINT.indexBytes} bytes`);
    const total = blobs.reduce((sum, blob) => sum + bytes(blob), 0);
    if (total > DATA_POINT.blobBytes) throw new RangeError(`writeDataPoint(): the blobs of a data point are at most ${DATA_POINT.blobBytes} bytes in all, got ${total}`);
    if (doubles.some((value) => typeof value !== "number")) throw new TypeError("writeDataPoint(): doubles must be numbers");
    const text = (value) => (value == null || typeof value === "string" ? value : new TextDecoder().decode(value));
    this.call("writeDataPoint", [{ blobs: blobs.map(text), doubles, indexes: indexes.map(text) }]).catch(() => {});
  }
}

class FetcherBinding extends MockBinding {
  fetch(input, init) { return this.forward(input, init); }
}

class StreamBinding extends MockBinding {
  constructor(env) {
    super(env);
    this.videos = { list: (params = {}) => this.call("list", [params]) };
    this.watermarks = { list: async () => [] };
  }

  upload(url, params = {}) { return this.call("upload", [url, params]); }
  createDirectUpload(params = {}) { return this.call("createDirectUpload", [params]); }
  video(id) {
    return { id, details: () => this.call("details", [id]), delete: () => this.call("delete", [id]) };
  }
}

const KINDS = { vectorize: VectorizeBinding, analytics_engine: AnalyticsEngineBinding, service: FetcherBinding, assets: FetcherBinding,
  stream: StreamBinding, browser: (env) => new BrowserBinding(new MockBinding(env)),
};

export default function (env) {
  const Kind = KINDS[env.TYPE];
  if (!Kind) throw new Error(`harness: no mock binding of type ${env.TYPE}`);
  return Kind.prototype ? new Kind(env) : Kind(env);
}
