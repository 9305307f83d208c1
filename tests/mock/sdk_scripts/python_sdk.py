"""Drives the official Python `cloudflare` SDK against the mock; prints what it got as JSON.

argv: base_url account_id api_token {"error name": "snippet token", ...}
The SDK is used as a reader would, but for `base_url` (and `max_retries=0`, so that a 429 or 5xx
is answered once). Errors: a client per forced error, whose `x-harness-token` header names the
snippet the scenario is for.
"""

import json
import sys

import cloudflare
from cloudflare import Cloudflare

LLAMA = "@cf/meta/llama-3-8b-instruct"
BGE = "@cf/baai/bge-small-en-v1.5"

base_url, account_id, api_token, tokens = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
major = int(cloudflare.__version__.split(".")[0])


def ai_of(client):
    return client.workers.ai if major == 3 else client.ai  # v3: workers.ai; v4 and later: ai


def plain(value):
    return value.model_dump() if hasattr(value, "model_dump") else value


ai = ai_of(Cloudflare(api_token=api_token, base_url=base_url, max_retries=0))
out = {"version": cloudflare.__version__}
out["chat"] = plain(ai.run(LLAMA, account_id=account_id, prompt="Tell me a story"))
out["messages"] = plain(ai.run(LLAMA, account_id=account_id, messages=[{"role": "user", "content": "Hi"}]))
out["embeddings"] = plain(ai.run(BGE, account_id=account_id, text=["first", "second"]))
streaming = ai.with_streaming_response.run(LLAMA, account_id=account_id, prompt="Tell me a story", stream=True)
with streaming as response:
    out["stream_type"] = response.headers.get("content-type")
    out["stream"] = [line for line in response.iter_lines() if line]

out["errors"] = {}
calls = {"invalid-input": {"messages": [{"role": "user", "content": 7}]}, "no-such-model": {"prompt": "hi"}}
for name, token in tokens.items():
    key = api_token if name != "bad-token" else "not-the-token"
    client = Cloudflare(api_token=key, base_url=base_url, max_retries=0, default_headers={"x-harness-token": token})
    model = "@cf/nobody/nothing" if name == "no-such-model" else LLAMA
    try:
        if name == "routing":  # a path that is no route of Cloudflare's API
            client.get(f"/accounts/{account_id}/ai/no-such-route", cast_to=object)
        else:
            ai_of(client).run(model, account_id=account_id, **calls.get(name, {"prompt": "hi"}))
        out["errors"][name] = None
    except cloudflare.APIStatusError as error:
        found = [plain(e) for e in error.errors]
        codes = [{"code": e["code"], "message": e["message"]} for e in found]
        out["errors"][name] = [type(error).__name__, error.status_code, codes]
print(json.dumps(out))
