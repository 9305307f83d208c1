// Preloaded with `node --require`: sends Node's own clients through the harness's proxy.
// - fetch: Node 20's fetch ignores HTTPS_PROXY; the undici package's global dispatcher is the one it reads.
// - http/https (`https.get`, and libraries built on them): their global agents open each connection
//   as a CONNECT tunnel through the proxy (TLS inside for https), so every host reaches the mock.
// A spare (run.mjs --spare) is started without a proxy and calls `route` once its snippet's proxy is known.
"use strict";

function route(proxy) {
  const { ProxyAgent, setGlobalDispatcher } = require("undici");
  setGlobalDispatcher(new ProxyAgent({ uri: proxy }));

  const http = require("node:http");
  const https = require("node:https");
  const net = require("node:net");
  const tls = require("node:tls");
  const via = new URL(proxy);
  const auth = via.username ? `Basic ${Buffer.from(`${decodeURIComponent(via.username)}:${decodeURIComponent(via.password)}`).toString("base64")}` : null;
  const proxyPort = Number(via.port || 80);
  const isProxy = (host, port) => ["127.0.0.1", "localhost", via.hostname].includes(host) && Number(port) === proxyPort;

  // Opens `host:port` through the proxy; `secure` wraps the tunnel in TLS (the run's CA is trusted
  // through NODE_EXTRA_CA_CERTS). A connection to the proxy itself goes straight to it.
  function tunnel(options, secure, callback) {
    const host = options.host || options.hostname || "localhost";
    const port = Number(options.port || (secure ? 443 : 80));
    if (isProxy(host, port)) return net.connect({ host, port });
    const connect = http.request({
      host: via.hostname, port: proxyPort, method: "CONNECT", path: `${host}:${port}`, agent: false,
      headers: { host: `${host}:${port}`, ...(auth ? { "proxy-authorization": auth } : {}) },
    });
    connect.once("connect", (answer, socket) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        return callback(new Error(`the harness's proxy refused ${host}:${port}: ${answer.statusCode}`));
      }
      if (!secure) return callback(null, socket);
      const { servername, ca, rejectUnauthorized, ALPNProtocols } = options;
      callback(null, tls.connect({ socket, servername: servername || host, ca, rejectUnauthorized, ALPNProtocols }));
    });
    connect.once("error", (error) => callback(error));
    connect.end();
    return undefined;
  }

  class TunnelAgent extends http.Agent {
    createConnection(options, callback) { return tunnel(options, false, callback); }
  }
  class SecureTunnelAgent extends https.Agent {
    createConnection(options, callback) { return tunnel(options, true, callback); }
  }
  http.globalAgent = new TunnelAgent({ keepAlive: true });
  https.globalAgent = new SecureTunnelAgent({ keepAlive: true });
}

const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
if (proxy) route(proxy);
module.exports = { route };
