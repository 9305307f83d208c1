// Preloaded with `node --require`: sends Node's built-in fetch through the harness's proxy.
// Node 20's fetch ignores HTTPS_PROXY; the undici package's global dispatcher is the one it reads.
"use strict";
const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
if (proxy) {
  const { ProxyAgent, setGlobalDispatcher } = require("undici");
  setGlobalDispatcher(new ProxyAgent({ uri: proxy }));
}
