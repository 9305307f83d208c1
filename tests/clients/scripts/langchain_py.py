"""`langchain-cloudflare` and the official `cloudflare` SDK, unchanged, against the mock.

argv: REST base URL (`.../client/v4`), account id, token. Prints one JSON object of results.
"""

import base64
import json
import sys

import cloudflare
from langchain_cloudflare import ChatCloudflareWorkersAI, CloudflareWorkersAIEmbeddings
from langchain_core.tools import tool

base, account, token = sys.argv[1:4]
LLAMA = "@cf/meta/llama-3.3-70b-instruct-fp8-fast"
out = {}


@tool
def get_weather(city: str) -> str:
    """The weather of a city."""
    return "21 degrees"


chat = ChatCloudflareWorkersAI(account_id=account, api_token=token, model=LLAMA, base_url=base)
out["invoke"] = chat.invoke("Where does Hello World come from?").content[:11]
out["stream"] = "".join(chunk.content for chunk in chat.stream("Tell me a story"))[:11]
called = chat.bind_tools([get_weather]).invoke("What is the weather in Lisbon?")
out["tool_calls"] = [(c["name"], c["args"]) for c in called.tool_calls]
embedder = CloudflareWorkersAIEmbeddings(account_id=account, api_token=token, model_name="@cf/baai/bge-base-en-v1.5",
                                         api_base_url=base + "/accounts")
out["embeddings"] = [len(v) for v in embedder.embed_documents(["a", "b"])]

client = cloudflare.Cloudflare(api_token=token, base_url=base)
image = client.ai.run("@cf/black-forest-labs/flux-1-schnell", account_id=account, prompt="a cat")
out["image"] = base64.b64decode(image["image"])[:4].hex()
speech = client.ai.run("@cf/myshell-ai/melotts", account_id=account, prompt="Hello there")
out["speech"] = base64.b64decode(speech["audio"])[:2].hex()
tools = [{"type": "function", "function": {"name": "get_weather", "description": "The weather of a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
answer = client.ai.run(LLAMA, account_id=account, messages=[{"role": "user", "content": "Weather in Lisbon?"}],
                       tools=tools)
out["sdk_tools"] = answer["tool_calls"]
try:
    client.ai.run("@cf/huggingface/distilbert-sst-2-int8", account_id=account, text="")
except cloudflare.BadRequestError as error:
    out["error"] = [error.status_code, error.body["errors"][0]["code"], error.body["result"]]
print(json.dumps(out))
