// The Browser Rendering binding (`env.MYBROWSER`) as `@cloudflare/puppeteer` speaks to it: a fetch
// endpoint that acquires a session (`POST /v1/devtools/browser`) and upgrades
// `/v1/devtools/browser/<session>` to a WebSocket carrying the Chrome DevTools Protocol. The browser
// here is a small one: it keeps targets, frames and execution contexts as puppeteer expects them,
// and what a page shows comes from the harness's mock (`goto`: the simulated origin's answer for the
// URL; `captureScreenshot` and `printToPDF`: an image and a document of that page). Every
// acquisition, navigation, screenshot and PDF is a call to the mock (`call(action, args)`), journaled.

const VIEWPORT = { width: 800, height: 600 };
const VERSION = {
  protocolVersion: "1.3", product: "HeadlessChrome/124.0.6367.60", revision: "@harness", jsVersion: "12.4.254.12",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
};
const HTML_OF = /outerHTML|XMLSerializer/;

class Devtools {
  constructor(ws, binding) {
    this.ws = ws;
    this.binding = binding;
    this.targets = new Map(); // sessionId -> target
    this.ids = 0;
    this.streams = new Map();
    ws.accept();
    ws.addEventListener("message", (event) => this.receive(JSON.parse(event.data)));
  }

  next(prefix) { return `${prefix}${++this.ids}`; }
  send(message) { this.ws.send(JSON.stringify(message)); }
  emit(method, params, sessionId) { this.send({ method, params, ...(sessionId ? { sessionId } : {}) }); }

  async receive({ id, method, params = {}, sessionId }) {
    try {
      const result = await this.handle(method, params, sessionId, this.targets.get(sessionId));
      this.send({ id, result: result ?? {}, ...(sessionId ? { sessionId } : {}) });
    } catch (error) {
      this.send({ id, error: { code: -32000, message: String(error?.message ?? error) }, ...(sessionId ? { sessionId } : {}) });
    }
  }

  frame(target) {
    const origin = target.url.startsWith("http") ? new URL(target.url).origin : "://";
    return { id: target.frameId, loaderId: target.loaderId, url: target.url, domainAndRegistry: "", securityOrigin: origin,
      mimeType: "text/html", secureContextType: "Secure", crossOriginIsolatedContextType: "NotIsolated", gatedAPIFeatures: [] };
  }

  info(target, attached) {
    return { targetId: target.targetId, type: "page", title: target.title, url: target.url, attached, canAccessOpener: false,
      browserContextId: target.browserContextId };
  }

  contexts(target) { // the page's main world and each isolated world puppeteer made, for its current document
    const origin = target.url.startsWith("http") ? new URL(target.url).origin : "://";
    for (const world of ["", ...target.worlds]) {
      const id = ++this.ids;
      this.emit("Runtime.executionContextCreated", { context: { id, origin, name: world, uniqueId: `ctx-${id}`,
        auxData: { isDefault: world === "", type: world === "" ? "default" : "isolated", frameId: target.frameId } } }, target.sessionId);
    }
  }

  async handle(method, params, sessionId, target) {
    switch (method) {
      case "Browser.getVersion": return VERSION;
      case "Target.getBrowserContexts": return { browserContextIds: [] };
      case "Target.createBrowserContext": return { browserContextId: this.next("context-") };
      case "Target.createTarget": return this.createTarget(params);
      case "Target.closeTarget": return this.closeTarget(params.targetId);
      case "Browser.close": setTimeout(() => this.ws.close(1000, "closed"), 0); return {};
      case "Page.getFrameTree": return { frameTree: { frame: this.frame(target), childFrames: [] } };
      case "Runtime.enable": this.contexts({ ...target, worlds: [] }); return {};
      case "Page.createIsolatedWorld": {
        target.worlds.push(params.worldName);
        const id = ++this.ids;
        this.emit("Runtime.executionContextCreated", { context: { id, origin: "://", name: params.worldName, uniqueId: `ctx-${id}`,
          auxData: { isDefault: false, type: "isolated", frameId: target.frameId } } }, sessionId);
        return { executionContextId: id };
      }
      case "Page.addScriptToEvaluateOnNewDocument": return { identifier: this.next("") };
      case "Page.navigate": return this.navigate(target, params.url);
      case "Runtime.evaluate": case "Runtime.callFunctionOn": return this.evaluate(target, params);
      case "Page.getLayoutMetrics": {
        const viewport = { pageX: 0, pageY: 0, clientWidth: VIEWPORT.width, clientHeight: VIEWPORT.height };
        const size = { x: 0, y: 0, width: VIEWPORT.width, height: VIEWPORT.height };
        return { layoutViewport: viewport, cssLayoutViewport: viewport, contentSize: size, cssContentSize: size,
          visualViewport: { ...viewport, offsetX: 0, offsetY: 0, scale: 1, zoom: 1 }, cssVisualViewport: { ...viewport, offsetX: 0, offsetY: 0, scale: 1, zoom: 1 } };
      }
      case "Page.captureScreenshot":
        return { data: await this.binding.call("screenshot", [{ url: target.url, format: params.format || "png" }]) };
      case "Page.printToPDF": {
        const data = await this.binding.call("pdf", [{ url: target.url, title: target.title }]);
        if (params.transferMode !== "ReturnAsStream") return { data };
        const stream = this.next("stream-");
        this.streams.set(stream, data);
        return { stream };
      }
      case "IO.read": {
        const data = this.streams.get(params.handle) ?? "";
        this.streams.set(params.handle, "");
        return { data, base64Encoded: true, eof: data === "" };
      }
      case "IO.close": this.streams.delete(params.handle); return {};
      default: return {}; // enabling domains, emulation, bindings: nothing to answer
    }
  }

  createTarget(params) {
    const target = {
      targetId: this.next("target-"), sessionId: this.next("session-"), frameId: this.next("frame-"), loaderId: this.next("loader-"),
      url: "about:blank", title: "", html: "<html><head></head><body></body></html>", worlds: [],
      browserContextId: params.browserContextId || "default",
    };
    this.targets.set(target.sessionId, target);
    this.emit("Target.targetCreated", { targetInfo: this.info(target, false) });
    this.emit("Target.attachedToTarget", { sessionId: target.sessionId, targetInfo: this.info(target, true), waitingForDebugger: true });
    return { targetId: target.targetId };
  }

  closeTarget(targetId) {
    const target = [...this.targets.values()].find((t) => t.targetId === targetId);
    if (target) {
      this.targets.delete(target.sessionId);
      this.emit("Target.detachedFromTarget", { sessionId: target.sessionId, targetId });
      this.emit("Target.targetDestroyed", { targetId });
    }
    return { success: Boolean(target) };
  }

  async navigate(target, url) {
    const page = await this.binding.call("goto", [{ url }]);
    Object.assign(target, { url, html: page.html, title: page.title, loaderId: this.next("loader-") });
    setTimeout(() => {
      const { sessionId, frameId, loaderId } = target;
      this.emit("Page.frameStartedLoading", { frameId }, sessionId);
      this.emit("Runtime.executionContextsCleared", {}, sessionId);
      this.emit("Page.frameNavigated", { frame: this.frame(target), type: "Navigation" }, sessionId);
      this.emit("Target.targetInfoChanged", { targetInfo: this.info(target, true) });
      this.contexts(target);
      for (const name of ["init", "DOMContentLoaded", "load", "networkAlmostIdle", "networkIdle"]) {
        this.emit("Page.lifecycleEvent", { frameId, loaderId, name, timestamp: Date.now() / 1000 }, sessionId);
      }
      this.emit("Page.domContentEventFired", { timestamp: Date.now() / 1000 }, sessionId);
      this.emit("Page.loadEventFired", { timestamp: Date.now() / 1000 }, sessionId);
      this.emit("Page.frameStoppedLoading", { frameId }, sessionId);
    }, 0);
    return { frameId: target.frameId, loaderId: target.loaderId };
  }

  evaluate(target, params) {
    const code = params.functionDeclaration ?? params.expression ?? "";
    if (HTML_OF.test(code)) return { result: { type: "string", value: target.html } };
    if (/document\.title/.test(code)) return { result: { type: "string", value: target.title } };
    if (params.returnByValue) return { result: { type: "undefined" } };
    return { result: { type: "object", className: "Object", description: "Object", objectId: this.next("object-") } };
  }
}

export class BrowserBinding {
  constructor(binding) {
    this.binding = binding;
  }

  // Browser Run's quick actions (`/content`, `/markdown`, `/screenshot`, `/pdf`, `/links`, `/json`), answered as the REST API answers.
  async quickAction(action, body = {}) {
    const answer = await this.binding.mock.fetch("http://mock/__harness/binding/browser/quick-action", {
      method: "POST", headers: this.binding.headers({ "content-type": "application/json" }), body: JSON.stringify({ name: this.binding.name, action, body }),
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }

  async fetch(input, init) {
    const request = new Request(input, init);
    const { pathname } = new URL(request.url);
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket" && pathname.startsWith("/v1/devtools/browser")) {
      const [client, server] = Object.values(new WebSocketPair());
      new Devtools(server, this.binding);
      return new Response(null, { status: 101, webSocket: client });
    }
    if (request.method === "POST" && pathname === "/v1/devtools/browser") {
      return Response.json(await this.binding.call("acquire", [Object.fromEntries(new URL(request.url).searchParams)]));
    }
    if (pathname === "/v1/sessions" || pathname === "/v1/history") return Response.json([]);
    if (pathname === "/v1/limits") {
      return Response.json({ activeSessions: [], maxConcurrentSessions: 10, allowedBrowserAcquisitions: 10, timeUntilNextAllowedBrowserAcquisition: 0 });
    }
    return new Response(`harness: the Browser Rendering binding has no ${request.method} ${pathname}`, { status: 404 });
  }
}
