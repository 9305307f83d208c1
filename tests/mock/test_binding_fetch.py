"""`/__harness/binding/fetch`: the protocols of `@cloudflare/ai` 1.0.x (gzip tensors) and 1.1
(`?version=2`), as `runners/worker/ai-binding.mjs` forwards them."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx

from harness.mock.server import MockServer
from harness.route import Route

from .helpers import LLAMA, journal_of, sse_events

V1_URL = "http://workers-binding.ai/run"
V2_URL = "http://workers-binding.ai/run?version=2"


def forward(route: Route, url: str, model: str, body: bytes, encoding: str, sdk: str = "1.0.53") -> httpx.Response:
    headers = {
        "x-harness-token": route.token,
        "x-harness-binding-url": url,
        "x-harness-content-encoding": encoding,
        "cf-consn-model-id": model,
        "cf-consn-sdk-version": sdk,
    }
    return httpx.post(f"{route.mock_url}/__harness/binding/fetch", content=body, headers=headers, timeout=10)


def v1(route: Route, model: str, tensors: list[dict[str, Any]], stream: bool = False) -> httpx.Response:
    body = gzip.compress(json.dumps({"input": tensors, "stream": stream}).encode())
    return forward(route, V1_URL, model, body, "gzip")


def v2(route: Route, model: str, inputs: Any) -> httpx.Response:
    body = json.dumps({"inputs": inputs, "options": {}}).encode()
    return forward(route, V2_URL, model, body, "application/json", "1.1.0")


def t(name: str, kind: str, value: Any, shape: list[int]) -> dict[str, Any]:
    return {"type": kind, "shape": shape, "name": name, "value": value}


def by_name(response: httpx.Response) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {tensor["name"]: tensor for tensor in response.json()["result"]}


def test_v1_text_generation_answers_the_tensors_the_client_reads(mock: MockServer, route: Route) -> None:
    prompt = "<s>[INST] Tell me a story [/INST]"
    tensors = by_name(v1(route, LLAMA, [t("INPUT_0", "str", [prompt], [1]), t("INPUT_1", "uint32", [256], [1])]))

    assert tensors["name"]["value"][0] == tensors["generated_text"]["value"][0]
    assert tensors["name"]["value"][0].startswith(f"Mock answer from {LLAMA}")
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.model, entry.status) == ("binding", LLAMA, 200)
    assert entry.json == {"prompt": prompt, "raw": True, "max_tokens": 256}
    assert json.loads(gzip.decompress(entry.body))["input"][0]["name"] == "INPUT_0"


def test_v1_vllm_models_get_the_prompt_echoed_first(route: Route) -> None:
    model = "@cf/qwen/qwen1.5-0.5b-chat"
    sampling = t("sampling_parameters", "str", ['{"max_tokens": 512}'], [1])
    plain = by_name(v1(route, model, [t("text_input", "str", ["PROMPT:"], [1]), sampling]))
    flag = t("stream", "bool", True, [])
    streamed = v1(route, model, [t("text_input", "str", ["PROMPT:"], [1]), sampling, flag], stream=True)

    assert plain["name"]["value"][0].startswith("PROMPT:Mock answer")
    data = [json.loads(e) for e in sse_events(streamed.text)[:-1]]
    tokens = [next(x["value"][0] for x in e["result"] if x["name"] == "name") for e in data]
    assert "".join(tokens) == plain["name"]["value"][0]


def test_v1_stream_is_sse_of_result_tensors(mock: MockServer, route: Route) -> None:
    response = v1(route, LLAMA, [t("INPUT_0", "str", ["hi"], [1]), t("INPUT_1", "uint32", [1800], [1])], stream=True)

    assert response.headers["content-type"] == "text/event-stream"
    data = sse_events(response.text)
    assert data[-1] == "[DONE]" and all("result" in json.loads(e) for e in data[:-1])
    assert journal_of(mock, route)[0].json == {"prompt": "hi", "raw": True, "max_tokens": 1800, "stream": True}


def test_v1_invalid_inputs_and_limits_are_the_envelope_with_status(route: Route) -> None:
    over = v1(route, LLAMA, [t("INPUT_0", "str", ["hi"], [1]), t("INPUT_1", "uint32", [5000], [1])])
    empty = v1(route, "@cf/baai/bge-small-en-v1.5", [t("input_text", "str", [""], [1])])
    unknown = v1(route, "@cf/baai/bge-small-en-v1.5", [t("input_text", "str", ["a"], [1]), t("odd", "str", ["b"], [1])])

    assert over.status_code == 400 and over.json()["errors"][0]["code"] == 5006
    assert "greater than the maximum of 1800" in over.json()["errors"][0]["message"]
    assert empty.status_code == 400 and "at '/text/0'" in empty.json()["errors"][0]["message"]
    assert unknown.status_code == 400 and "odd" in unknown.json()["errors"][0]["message"]


def test_v1_unknown_model_bad_gzip_and_other_paths(route: Route) -> None:
    nobody = v1(route, "@cf/nobody/nothing", [t("INPUT_0", "str", ["hi"], [1])])
    broken = forward(route, V1_URL, LLAMA, b"not gzip at all", "gzip")
    elsewhere = forward(route, "http://workers-binding.ai/models", LLAMA, gzip.compress(b"{}"), "gzip")

    assert nobody.status_code == 400 and nobody.json()["errors"][0]["code"] == 5007
    assert broken.status_code == 400 and "not gzip" in broken.json()["errors"][0]["message"]
    assert elsewhere.status_code == 404 and elsewhere.json()["errors"][0]["code"] == 7003


def test_v1_prefix_of_the_model_header_is_dropped(mock: MockServer, route: Route) -> None:
    response = v1(route, f"team:{LLAMA}", [t("INPUT_0", "str", ["hi"], [1]), t("INPUT_1", "uint32", [8], [1])])

    assert response.status_code == 200 and journal_of(mock, route)[0].model == LLAMA


def test_v2_answers_gzip_json_without_content_encoding(mock: MockServer, route: Route) -> None:
    response = v2(route, LLAMA, {"prompt": "Tell me a story"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json" and "content-encoding" not in response.headers
    assert json.loads(gzip.decompress(response.content))["response"].startswith("Mock answer")
    [entry] = journal_of(mock, route)
    assert (entry.via, entry.json) == ("binding", {"prompt": "Tell me a story"})
    assert entry.header("cf-consn-sdk-version") == "1.1.0"


def test_v2_streams_plain_sse_and_images_gzip_png(route: Route) -> None:
    stream = v2(route, LLAMA, {"prompt": "Tell me a story", "stream": True})
    image = v2(route, "@cf/stabilityai/stable-diffusion-xl-base-1.0", {"prompt": "a cat"})

    assert stream.headers["content-type"] == "text/event-stream" and sse_events(stream.text)[-1] == "[DONE]"
    assert json.loads(sse_events(stream.text)[0])["response"]
    assert image.headers["content-type"] == "image/png"
    assert gzip.decompress(image.content).startswith(b"\x89PNG")


def test_v2_invalid_input_is_the_envelope_uncompressed(route: Route) -> None:
    response = v2(route, LLAMA, {"messages": [{"role": "user", "content": 7}]})

    assert response.status_code == 400 and response.json()["errors"][0]["code"] == 5006


def test_v1_older_urls_are_the_same_door(route: Route) -> None:
    tensors = [t("INPUT_0", "str", ["hi"], [1]), t("INPUT_1", "uint32", [4], [1])]
    body = gzip.compress(json.dumps({"input": tensors, "stream": False}).encode())

    for url in ("http://ai.cloudflare.com/run", "/run"):
        assert by_name(forward(route, url, LLAMA, body, "gzip"))["name"]["value"][0].startswith("Mock")
