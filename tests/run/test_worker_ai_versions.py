"""The same Worker snippets against each generation of `@cloudflare/ai` (option `ai_version`):
1.0.x posts gzip tensors through `env.AI.fetch`, 1.1 posts `{inputs, options}` to `?version=2`,
1.2 calls `env.AI.run`. Each gets its answers in the shape it reads, for every task of the
catalog; an invalid input, and an error a scenario forces, fail the way that package fails."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from harness.mock.scenarios import parse_scenario
from harness.mock.server import MockConfig
from harness.model import RecordedRequest, Snippet
from harness.run.base import Outcome
from harness.run.local.executor import LocalExecutor
from harness.run.registry import default_runners_dir, runners

VERSIONS = ("1.0", "1.1", "1.2")
LLAMA = "@cf/meta/llama-2-7b-chat-int8"
BGE = "@cf/baai/bge-base-en-v1.5"
PROMPT = "What is the origin of the phrase Hello, World"

PLAIN = f"""import {{ Ai }} from "@cloudflare/ai";
export default {{
  async fetch(request, env) {{
    const ai = new Ai(env.AI);
    const chat = await ai.run("{LLAMA}", {{ prompt: "{PROMPT}" }});
    const vectors = await ai.run("{BGE}", {{ text: ["first", "second"] }});
    return Response.json({{ chat, vectors }});
  }},
}};
"""

STREAM = f"""import {{ Ai }} from "@cloudflare/ai";
export default {{
  async fetch(request, env) {{
    const ai = new Ai(env.AI);
    const stream = await ai.run("{LLAMA}", {{ prompt: "{PROMPT}", stream: true }});
    return new Response(stream, {{ headers: {{ "content-type": "text/event-stream" }} }});
  }},
}};
"""

INVALID = f"""import {{ Ai }} from "@cloudflare/ai";
export default {{
  async fetch(request, env) {{
    try {{
      await new Ai(env.AI).run("{LLAMA}", {{ prompt: "{PROMPT}", max_tokens: 5000 }});
      return new Response("no error");
    }} catch (error) {{
      return Response.json({{ name: error.name, message: error.message, httpCode: error.httpCode ?? null }});
    }}
  }},
}};
"""


@pytest.fixture(scope="module", params=[False, True], ids=["cold", "warm"])
def executor(request: pytest.FixtureRequest) -> Iterator[LocalExecutor]:
    """Both ways of running a Worker: Miniflare per snippet, and one warm workerd for many."""
    with LocalExecutor(default_runners_dir(), warm_workers=request.param) as ex:
        yield ex


def run(executor: LocalExecutor, code: str, version: str, name: str) -> tuple[Outcome, tuple[RecordedRequest, ...]]:
    snippet = Snippet(id=f"ai.md::{name}::{version}", page="ai.md", group=name, label=version, language="js",
                      code=code, line=1, source=code)
    snippet = replace(snippet, options={"ai_version": version})
    runner = runners(executor.runners_dir)["worker"]
    assert runner.available() is None
    launch = runner.launch(snippet, executor.route(snippet.id), executor.runners_dir)
    return executor.execute(runner, launch, 90), executor.requests_of(snippet.id)


def events(body: bytes) -> list[str]:
    return [b.removeprefix("data: ") for b in body.decode().split("\n\n") if b.startswith("data: ")]


@pytest.mark.parametrize("version", VERSIONS)
def test_text_generation_and_embeddings(executor: LocalExecutor, version: str) -> None:
    out, requests = run(executor, PLAIN, version, "plain")

    assert out.response is not None and out.response.status == 200, out.stderr
    answer = json.loads(out.response.body)
    assert answer["chat"]["response"].startswith(f"Mock answer from {LLAMA}")
    assert answer["vectors"]["shape"] == [2, 768] and len(answer["vectors"]["data"][1]) == 768
    assert [(r.via, r.model, r.status) for r in requests] == [("binding", LLAMA, 200), ("binding", BGE, 200)]
    chat, vectors = requests
    if version == "1.0":  # the client templated the prompt and sent tensors, gzip-compressed
        assert chat.header("cf-consn-sdk-version") == "1.0.53"
        assert json.loads(gzip.decompress(chat.body))["input"][0]["name"] == "INPUT_0"
        assert chat.json["raw"] is True and PROMPT in chat.json["prompt"] and chat.json["max_tokens"] == 256
        assert vectors.json == {"text": ["first", "second"]}
    else:
        assert chat.json == {"prompt": PROMPT} and vectors.json == {"text": ["first", "second"]}
    if version == "1.1":
        assert chat.url.endswith("/__harness/binding/fetch") and chat.header("cf-consn-sdk-version") == "1.1.0"


@pytest.mark.parametrize("version", VERSIONS)
def test_streaming_text_generation(executor: LocalExecutor, version: str) -> None:
    out, requests = run(executor, STREAM, version, "stream")

    assert out.response is not None and out.response.status == 200, out.stderr
    data = events(out.response.body)
    assert data[-1] == "[DONE]"
    text = "".join(json.loads(e)["response"] for e in data[:-1])
    assert text.startswith(f"Mock answer from {LLAMA}")
    [request] = requests
    assert (request.via, request.status, request.response_content_type) == ("binding", 200, "text/event-stream")
    if version == "1.0":
        assert request.json["max_tokens"] == 1800  # the client's stream default for this model


@pytest.mark.parametrize("version", VERSIONS)
def test_max_tokens_over_the_models_limit_fails_as_the_package_fails(executor: LocalExecutor, version: str) -> None:
    out, requests = run(executor, INVALID, version, "invalid")

    assert out.response is not None and out.response.status == 200, out.stderr
    error = json.loads(out.response.body)
    if version == "1.2":  # the runtime binding's error
        assert error["name"] == "AiError" and error["message"].startswith("5006: Error: at '/max_tokens'")
    else:  # InferenceUpstreamError(await res.text(), res.status)
        assert (error["name"], error["httpCode"]) == ("InferenceUpstreamError", 400)
        envelope = json.loads(error["message"])
        assert envelope["success"] is False and envelope["errors"][0]["code"] == 5006
    [request] = requests
    assert request.status == 400 and "greater than the maximum of 1800" in (request.error or "")


IMAGE = "[" + ",".join(str(i) for i in range(32)) + "]"
TASKS = {  # task: (model, JS inputs, what the answer holds: keys of an object, of the first item, or "png")
    "text-generation": (LLAMA, f'{{ prompt: "{PROMPT}" }}', {"response"}),
    "text-embeddings": (BGE, '{ text: "hello" }', {"shape", "data"}),
    "text-classification": ("@cf/huggingface/distilbert-sst-2-int8", '{ text: "I love it" }', {"label", "score"}),
    "sentence-similarity": ("@hf/sentence-transformers/all-minilm-l6-v2", '{ source: "a", sentences: ["b", "c"] }',
                            "numbers"),
    "translation": ("@cf/meta/m2m100-1.2b", '{ text: "Hello", target_lang: "french" }', {"translated_text"}),
    "summarization": ("@cf/facebook/bart-large-cnn", '{ input_text: "one two three four five six" }', {"summary"}),
    "image-classification": ("@cf/microsoft/resnet-50", f"{{ image: {IMAGE} }}", {"label", "score"}),
    "object-detection": ("@cf/facebook/detr-resnet-50", f"{{ image: {IMAGE} }}", {"label", "score", "box"}),
    "speech-recognition": ("@cf/openai/whisper", f"{{ audio: {IMAGE} }}", {"text", "word_count", "words"}),
    "text-to-image": ("@cf/stabilityai/stable-diffusion-xl-base-1.0", '{ prompt: "a cat" }', "png"),
    "image-to-text": ("@cf/unum/uform-gen2-qwen-500m", f'{{ image: {IMAGE}, prompt: "what is it?" }}', {"description"}),
}
TASK_WORKER = """import {{ Ai }} from "@cloudflare/ai";
export default {{
  async fetch(request, env) {{
    const result = await new Ai(env.AI).run("{model}", {inputs});
    if (result instanceof ReadableStream || result instanceof Uint8Array) return new Response(result);
    return Response.json(result);
  }},
}};
"""


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_through_each_generation(executor: LocalExecutor, task: str, version: str) -> None:
    model, inputs, holds = TASKS[task]
    out, requests = run(executor, TASK_WORKER.format(model=model, inputs=inputs), version, f"task-{task}")

    assert out.response is not None and out.response.status == 200, (out.stderr, out.response)
    body = out.response.body
    if holds == "png":
        assert body.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        answer = json.loads(body)
        if holds == "numbers":
            assert answer and all(isinstance(x, float) for x in answer)
        else:
            first = answer[0] if isinstance(answer, list) else answer
            assert holds <= set(first), answer
    [request] = requests
    assert (request.via, request.model, request.status) == ("binding", model, 200)


FORCED = """import {{ Ai }} from "@cloudflare/ai";
export default {{
  async fetch(request, env) {{
    try {{
      await new Ai(env.AI).run("{model}", {{ prompt: "hi" }});
      return new Response("no error");
    }} catch (error) {{
      return Response.json({{ name: error.name, message: error.message, httpCode: error.httpCode ?? null }});
    }}
  }},
}};
"""


@pytest.fixture(scope="module")
def limited() -> Iterator[LocalExecutor]:
    """A mock whose scenario answers the rate limit (3036) to every call of the `limits` pages."""
    config = MockConfig(scenarios=(parse_scenario({"pages": "limits.md", "error": "rate-limit"}, "test"),))
    with LocalExecutor(default_runners_dir(), config) as ex:
        yield ex


@pytest.mark.parametrize("version", VERSIONS)
def test_a_scenario_error_is_thrown_as_each_generation_throws_it(limited: LocalExecutor, version: str) -> None:
    code = FORCED.format(model=LLAMA)
    snippet = Snippet(id=f"limits.md::forced::{version}", page="limits.md", group="forced", label=version,
                      language="js", code=code, line=1, source=code, options={"ai_version": version})
    runner = runners(limited.runners_dir)["worker"]
    out = limited.execute(runner, runner.launch(snippet, limited.route(snippet.id), limited.runners_dir), 90)

    assert out.response is not None, out.stderr
    error = json.loads(out.response.body)
    if version == "1.2":
        assert (error["name"], error["message"].split(":")[0]) == ("AiError", "3036")
    else:
        assert (error["name"], error["httpCode"]) == ("InferenceUpstreamError", 429)
        assert json.loads(error["message"])["errors"][0]["code"] == 3036
    assert [r.status for r in limited.requests_of(snippet.id)] == [429]
