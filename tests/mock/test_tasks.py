"""Every task of the catalog: a valid call, an invalid one, and a streamed one where the task
streams, through the REST route and the binding alike."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from harness.mock.catalog import Catalog
from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, RUN_URL, journal_of, sse_events, trust

CATALOG = Catalog.load()
IMAGE = list(range(64))

# task: (model, valid inputs, the keys (or type) of the answer, invalid inputs, what the error names)
TASKS: dict[str, tuple[str, Any, Any, Any, str]] = {
    "text-generation": ("@cf/meta/llama-3-8b-instruct", {"messages": [{"role": "user", "content": "Hi"}]},
                        {"response"}, {"messages": [{"role": "user"}]}, "'content' is a required property"),
    "text-embeddings": ("@cf/baai/bge-large-en-v1.5", {"text": "hello"}, {"shape", "data"},
                        {"text": ["a"] * 101}, "at '/text'"),
    "text-classification": ("@cf/huggingface/distilbert-sst-2-int8", {"text": "I love it"}, [{"label", "score"}],
                            {"text": 5}, "at '/text'"),
    "sentence-similarity": ("@hf/sentence-transformers/all-minilm-l6-v2", {"source": "a", "sentences": ["b"]},
                            list, {"source": "a"}, "'sentences' is a required property"),
    "translation": ("@cf/meta/m2m100-1.2b", {"text": "Hello", "target_lang": "french"}, {"translated_text"},
                    {"target_lang": "french"}, "'text' is a required property"),
    "summarization": ("@cf/facebook/bart-large-cnn", {"input_text": "one two three four"}, {"summary"},
                      {"input_text": ""}, "at '/input_text'"),
    "image-classification": ("@cf/microsoft/resnet-50", {"image": IMAGE}, [{"label", "score"}],
                             {"image": "a cat"}, "at '/image'"),
    "object-detection": ("@cf/facebook/detr-resnet-50", {"image": IMAGE}, [{"label", "score", "box"}],
                         {"image": [True]}, "at '/image/0'"),
    "speech-recognition": ("@cf/openai/whisper", {"audio": IMAGE}, {"text", "word_count", "words", "vtt"},
                           {}, "'audio' is a required property"),
    "text-to-image": ("@cf/lykon/dreamshaper-8-lcm", {"prompt": "a cat", "num_steps": 4}, bytes,
                      {"prompt": "a cat", "width": 100}, "at '/width'"),
    "image-to-text": ("@cf/unum/uform-gen2-qwen-500m", {"image": IMAGE, "prompt": "what is it?"}, {"description"},
                      {"prompt": "what is it?"}, "'image' is a required property"),
    "text-to-speech": ("@cf/myshell-ai/melotts", {"prompt": "Hello there", "lang": "en"}, {"audio"},
                       {"lang": "en"}, "'prompt' is a required property"),
    "chat": ("@cf/openai/gpt-oss-120b", {"messages": [{"role": "user", "content": "Hi"}]},
             {"id", "object", "created", "model", "choices", "usage"}, {"messages": "Hi"}, "at '/messages'"),
}
STREAMING = {"text-generation", "chat"}


def rest(route: Route, model: str, inputs: Any) -> httpx.Response:
    with httpx.Client(proxy=route.proxy_url, verify=trust(route), timeout=10) as client:
        return client.post(RUN_URL + model, json=inputs, headers=AUTH)


def binding(route: Route, model: str, inputs: Any) -> httpx.Response:
    body = {"model": model, "inputs": inputs, "options": {}}
    headers = {"x-harness-token": route.token}
    return httpx.post(f"{route.mock_url}/__harness/binding/run", json=body, headers=headers, timeout=10)


def test_every_task_of_the_catalog_has_cases() -> None:
    assert {model.task.name for model in CATALOG.models.values()} == set(TASKS)
    for task, (model, *_) in TASKS.items():
        found = CATALOG.lookup(model)
        assert found is not None and found.task.name == task


@pytest.mark.parametrize("door", [rest, binding])
@pytest.mark.parametrize("task", list(TASKS))
def test_a_valid_call(mock: MockServer, route: Route, door: Any, task: str) -> None:
    model, inputs, shape, _, _ = TASKS[task]
    response = door(route, model, inputs)

    assert response.status_code == 200, response.text
    if shape is bytes:
        assert response.headers["content-type"] == "image/png" and response.content.startswith(b"\x89PNG")
    else:
        result = response.json()["result"]
        if isinstance(shape, set):
            assert set(result) == shape
        elif isinstance(shape, list) and shape:
            assert result and all(set(item) == shape[0] for item in result)
        else:
            assert isinstance(result, shape)
    [entry] = journal_of(mock, route)
    assert (entry.model, entry.json, entry.status, entry.error) == (model, inputs, 200, None)


@pytest.mark.parametrize("door", [rest, binding])
@pytest.mark.parametrize("task", list(TASKS))
def test_an_invalid_call(mock: MockServer, route: Route, door: Any, task: str) -> None:
    model, _, _, inputs, says = TASKS[task]
    response = door(route, model, inputs)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["code"] == 5006 and says in error["message"], error["message"]
    assert response.json()["result"] == {}  # the service's 5006 envelope carries an empty result
    assert journal_of(mock, route)[-1].error == error["message"]


@pytest.mark.parametrize("door", [rest, binding])
@pytest.mark.parametrize("task", sorted(STREAMING))
def test_a_streamed_call(route: Route, door: Any, task: str) -> None:
    model, inputs, _, _, _ = TASKS[task]
    streamed = door(route, model, {**inputs, "stream": True})
    whole = door(route, model, inputs).json()["result"]

    assert streamed.status_code == 200 and streamed.headers["content-type"] == "text/event-stream"
    events = sse_events(streamed.text)
    assert events[-1] == "[DONE]"
    if task == "chat":
        chunks = [json.loads(e) for e in events[:-1]]
        said = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
        assert said == whole["choices"][0]["message"]["content"]
        assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["usage"] == whole["usage"]
    else:
        assert "".join(json.loads(e)["response"] for e in events[:-1]) == whole["response"]


@pytest.mark.parametrize("task", sorted(set(TASKS) - STREAMING))
def test_tasks_that_do_not_stream_answer_whole_when_asked_to(route: Route, task: str) -> None:
    model, inputs, _, _, _ = TASKS[task]
    response = rest(route, model, {**inputs, "stream": True})

    assert response.status_code == 200 and response.headers["content-type"] != "text/event-stream"
