// The stand-in for a Durable Object class that is not on the page (harness/extract/durable_stand_in.py):
// Miniflare's real namespace binds to it (ids, stubs, `getByName` are the runtime's). Its `fetch` and each
// method the snippet calls on a stub post to the mock (/__harness/binding/durable_object/{fetch,call},
// harness/mock/binding_doors.py), which records the call: `fetch` answers what the mock answers (200
// text/plain naming the stand-in), a method returns undefined. Env: MOCK (the mock app), TOKEN (names the
// snippet). run.mjs exports one class per binding: `standIn(binding name, [methods])`.
import { DurableObject } from "cloudflare:workers";

const door = (action) => `http://mock/__harness/binding/durable_object/${action}`;

function plain(value) {
  try {
    return JSON.parse(JSON.stringify(value ?? null));
  } catch {
    return String(value);
  }
}

export function standIn(binding, methods) {
  class StandIn extends DurableObject {
    async fetch(request) {
      const headers = new Headers(request.headers);
      headers.set("x-harness-token", this.env.TOKEN);
      headers.set("x-harness-binding-name", binding);
      headers.set("x-harness-binding-url", request.url);
      const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
      const answer = await this.env.MOCK.fetch(door("fetch"), { method: request.method, headers, body });
      // the mock's answer, without the mock server's own headers (date, server)
      return new Response(answer.body, { status: answer.status, headers: { "content-type": answer.headers.get("content-type") } });
    }
  }
  for (const method of methods) {
    StandIn.prototype[method] = async function (...args) {
      const answer = await this.env.MOCK.fetch(door("call"), {
        method: "POST",
        headers: { "content-type": "application/json", "x-harness-token": this.env.TOKEN, "x-harness-binding-name": binding },
        body: JSON.stringify({ name: binding, method, args: plain(args) }),
      });
      if (!answer.ok) throw new Error(`harness: the stand-in of ${binding} could not record ${method}(): ${answer.status}`);
      return undefined;
    };
  }
  return StandIn;
}
