"""The `openai` Python package, unchanged, against the mock's OpenAI-compatible endpoint and AI Gateway.

argv: base URL of `/ai/v1`, gateway compat base URL, token. Every answer is also checked against the
package's own pydantic types (`model_validate` of the raw JSON). Prints one JSON object of results.
"""

import json
import sys

import openai
from openai.types import Completion, CreateEmbeddingResponse
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response
from pydantic import BaseModel

base, gateway, token = sys.argv[1:4]
client = openai.OpenAI(api_key=token, base_url=base)
LLAMA = "@cf/meta/llama-3.1-8b-instruct"
ASK = [{"role": "user", "content": "What is the weather in Lisbon?"}]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "The weather of a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
out = {}


def raw(call, kind, **kwargs):
    """The raw JSON of a call, validated by the package's own model."""
    body = call.with_raw_response.create(**kwargs).http_response.json()
    kind.model_validate(body, strict=False)
    return body


out["chat"] = raw(client.chat.completions, ChatCompletion, model=LLAMA, messages=ASK)["choices"][0]["message"]

chunks = list(client.chat.completions.create(model=LLAMA, messages=ASK, stream=True,
                                             stream_options={"include_usage": True}))
for chunk in chunks:
    ChatCompletionChunk.model_validate(chunk.model_dump())
out["stream"] = {"finish": chunks[-1].choices[0].finish_reason, "usage": chunks[-1].usage is not None}
with client.chat.completions.stream(model=LLAMA, messages=ASK) as stream:
    out["final"] = stream.get_final_completion().choices[0].finish_reason

first = raw(client.chat.completions, ChatCompletion, model=LLAMA, messages=ASK, tools=TOOLS)
call = first["choices"][0]["message"]["tool_calls"][0]
follow = [*ASK, {"role": "assistant", "content": None, "tool_calls": [call]},
          {"role": "tool", "tool_call_id": call["id"], "content": [{"type": "text", "text": "21 degrees"}]}]
second = raw(client.chat.completions, ChatCompletion, model=LLAMA, messages=follow, tools=TOOLS)
out["tools"] = {"call": call["function"], "then": second["choices"][0]["finish_reason"]}


class Weather(BaseModel):
    city: str
    degrees: float


parsed = client.chat.completions.parse(model=LLAMA, messages=ASK, response_format=Weather)
out["parsed"] = parsed.choices[0].message.parsed.model_dump()

out["completion"] = raw(client.completions, Completion, model=LLAMA, prompt="Once upon")["choices"][0]["text"][:20]
floats = raw(client.embeddings, CreateEmbeddingResponse, model="@cf/baai/bge-m3", input=["a", "b"],
             encoding_format="float")
decoded = client.embeddings.create(model="@cf/baai/bge-m3", input=["a", "b"])  # base64 by default, decoded
pairs = zip(decoded.data[0].embedding, floats["data"][0]["embedding"], strict=True)
out["embeddings"] = {"dims": len(floats["data"][0]["embedding"]), "same": all(abs(x - y) < 1e-6 for x, y in pairs)}
raw(client.responses, Response, model="@cf/openai/gpt-oss-120b", input="Tell me a joke")
out["responses"] = client.responses.create(model="@cf/openai/gpt-oss-120b", input="Tell me a joke").output_text[:11]
with client.responses.stream(model="@cf/openai/gpt-oss-120b", input="Tell me a joke") as events:
    kinds = [event.type for event in events]
    out["responses_stream"] = [kinds[0], kinds[-1], events.get_final_response().output_text[:11]]
out["models"] = len(client.models.list().data)
try:
    client.chat.completions.create(model="@cf/nobody/nothing", messages=ASK)
except openai.BadRequestError as error:
    out["error"] = [error.status_code, error.body if isinstance(error.body, (dict, list)) else str(error.body)]
unified = openai.OpenAI(api_key="unused", base_url=gateway, default_headers={"cf-aig-authorization": f"Bearer {token}"})
out["unified"] = raw(unified.chat.completions, ChatCompletion, model="openai/gpt-4.1-mini", messages=ASK)["model"]
print(json.dumps(out))
