"""The catalog as data: every model loads, validation explains itself, every task answers."""

from __future__ import annotations

import base64
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.mock.answers import ANSWERS, answer
from harness.mock.catalog import Catalog, CatalogError
from harness.mock.server import MockServer
from harness.route import Route

from .helpers import AUTH, RUN_URL, journal_of

CATALOG = Catalog.load()


def post(route: Route, model: str, headers: dict[str, str] = AUTH, **kwargs: Any) -> requests.Response:
    return requests.post(
        RUN_URL + model, headers=headers, proxies={"https": route.proxy_url}, verify=route.ca_file, timeout=10, **kwargs
    )


def test_every_task_has_an_answer_and_the_documented_models_are_known() -> None:
    assert {m.task.answer for m in CATALOG.models.values()} <= set(ANSWERS)
    for model in (
        "@cf/meta/llama-2-7b-chat-int8",
        "@cf/mistral/mistral-7b-instruct-v0.1",
        "@cf/meta/llama-3-8b-instruct",
        "@cf/meta/llama-3.1-8b-instruct",
        "@hf/thebloke/zephyr-7b-beta-awq",
        "@cf/baai/bge-small-en-v1.5",
        "@cf/openai/whisper",
        "@cf/stabilityai/stable-diffusion-xl-base-1.0",
    ):
        assert CATALOG.lookup(model) is not None, model


def test_alias_resolves_to_its_model() -> None:
    model = CATALOG.lookup("@hf/meta-llama/meta-llama-3-8b-instruct")

    assert model is not None and model.id == "@cf/meta/llama-3-8b-instruct"


def test_limits_come_from_the_model_entry_over_task_defaults() -> None:
    int8 = CATALOG.lookup("@cf/meta/llama-2-7b-chat-int8")
    small = CATALOG.lookup("@cf/baai/bge-small-en-v1.5")

    assert int8 is not None and int8.settings["max_tokens"] == 256 and int8.settings["max_tokens_stream"] == 1800
    assert small is not None and small.settings["dimensions"] == 384


def test_a_broken_catalog_names_the_entry() -> None:
    with pytest.raises(CatalogError, match="@cf/x/y"):
        Catalog.load("tasks: {}\nmodels:\n  '@cf/x/y': {task: nothing}\n")


@pytest.mark.parametrize(
    ("model", "inputs", "says"),
    [
        ("@cf/baai/bge-base-en-v1.5", {"text": [""]}, "at '/text/0'"),
        ("@cf/meta/m2m100-1.2b", {"text": "hi"}, "'target_lang' is a required property"),
        ("@cf/facebook/bart-large-cnn", {"input_text": "x", "max_length": "10"}, "at '/max_length'"),
        ("@cf/llava-hf/llava-1.5-7b-hf", {"image": [1], "prompt": "a", "messages": []}, "mutually exclusive"),
        ("@cf/stabilityai/stable-diffusion-xl-base-1.0", {"prompt": "cat", "num_steps": 50}, "at '/num_steps'"),
    ],
)
def test_validation_names_path_and_problem(model: str, inputs: Any, says: str) -> None:
    found = CATALOG.lookup(model)
    assert found is not None
    message = CATALOG.validate(found, inputs)

    assert message is not None and says in message


def test_embeddings_have_the_models_dimensions(route: Route) -> None:
    result = post(route, "@cf/baai/bge-small-en-v1.5", json={"text": ["a", "b", "c"]}).json()["result"]

    assert result["shape"] == [3, 384]
    assert len(result["data"]) == 3 and {len(v) for v in result["data"]} == {384}


@pytest.mark.parametrize(
    ("model", "inputs", "keys"),
    [
        ("@cf/huggingface/distilbert-sst-2-int8", {"text": "I love it"}, {"label", "score"}),
        ("@cf/meta/m2m100-1.2b", {"text": "Hello", "target_lang": "french"}, {"translated_text"}),
        ("@cf/facebook/bart-large-cnn", {"input_text": "one two three four five six"}, {"summary"}),
        ("@hf/sentence-transformers/all-minilm-l6-v2", {"source": "a", "sentences": ["b", "c"]}, None),
        ("@cf/microsoft/resnet-50", {"image": [1, 2, 3]}, {"label", "score"}),
        ("@cf/facebook/detr-resnet-50", {"image": [1, 2, 3]}, {"label", "score", "box"}),
        ("@cf/openai/whisper", {"audio": [0, 1, 2]}, {"text", "word_count", "words", "vtt"}),
        ("@cf/llava-hf/llava-1.5-7b-hf", {"image": [1, 2], "prompt": "describe"}, {"description"}),
    ],
)
def test_each_task_answers_its_shape(route: Route, model: str, inputs: Any, keys: set[str] | None) -> None:
    response = post(route, model, json=inputs)

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    if keys is None:
        assert isinstance(result, list) and all(isinstance(x, float) for x in result)
    elif isinstance(result, list):
        assert result and all(set(item) == keys for item in result)
    else:
        assert set(result) == keys


def test_binary_body_stands_for_the_audio_or_image_input(mock: MockServer, route: Route) -> None:
    audio = bytes(range(256)) * 4
    response = post(route, "@cf/openai/whisper", data=audio, headers={**AUTH, "Content-Type": "audio/mpeg"})
    again = post(route, "@cf/openai/whisper", data=audio, headers={**AUTH, "Content-Type": "audio/mpeg"})

    assert response.status_code == 200 and "text" in response.json()["result"]
    assert response.content == again.content
    entry = journal_of(mock, route)[0]
    assert entry.body == audio and entry.json is None


def test_text_to_image_answers_a_real_png(mock: MockServer, route: Route) -> None:
    response = post(route, "@cf/stabilityai/stable-diffusion-xl-base-1.0", json={"prompt": "a cat"})

    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    png = response.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (
        kind == b"IHDR" and zlib.crc32(png[12 : 16 + length]) == struct.unpack(">I", png[16 + length : 20 + length])[0]
    )
    assert png.endswith(b"IEND\xaeB`\x82")
    assert journal_of(mock, route)[0].response_content_type == "image/png"


def test_max_tokens_bounds_the_answer(route: Route) -> None:
    result = post(route, "@cf/meta/llama-3-8b-instruct", json={"prompt": "hi", "max_tokens": 3}).json()["result"]

    assert len(result["response"].split()) == 3


MODEL_ID = re.compile(r"@(?:cf|hf)/[\w.-]+/[\w.-]+")


def pages_to_check() -> list[Path]:
    """The docs corpus beside the repo (`../shared/corpus` from any folder above the tests), else the
    repo's own fixture pages, where no corpus is checked out (a clean clone in CI)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        corpus = folder / "shared" / "corpus"
        if corpus.is_dir():
            return sorted(corpus.rglob("*.md*"))
    return sorted((here.parents[2] / "fixtures").rglob("*.md*"))


def test_every_model_a_page_uses_is_in_the_catalog() -> None:
    used: dict[str, Path] = {}
    for page in pages_to_check():
        for found in MODEL_ID.findall(page.read_text("utf-8", errors="replace")):
            used.setdefault(found.rstrip("."), page)

    assert used, "no page names a model: the pages were not found"
    missing = {model: str(page) for model, page in used.items() if CATALOG.lookup(model) is None}
    assert not missing, f"models used on pages but not in the catalog (run make catalog): {missing}"


def test_the_catalog_names_its_sources_and_versions() -> None:
    packages = {(s["package"], s["version"]) for s in CATALOG.sources}

    assert any(name == "@cloudflare/workers-types" and version.startswith("5.") for name, version in packages)
    assert ("@cloudflare/ai", "1.2.2") in packages
    for model_id in ("@cf/openai/gpt-oss-120b", "@cf/black-forest-labs/flux-1-schnell", "@cf/myshell-ai/melotts"):
        model = CATALOG.lookup(model_id)
        assert model is not None and "@cloudflare/workers-types" in model.sources, model_id


def test_a_model_with_its_own_type_is_validated_and_answered_by_it() -> None:
    flux = CATALOG.lookup("@cf/black-forest-labs/flux-1-schnell")
    assert flux is not None
    assert CATALOG.validate(flux, {"steps": 4}) == "Error: at '/': 'prompt' is a required property"
    assert CATALOG.validate(flux, {"prompt": "a cat", "steps": 4}) is None
    image = answer(flux, {"prompt": "a cat"}).result["image"]
    assert base64.b64decode(image).startswith(b"\x89PNG")


def test_the_committed_catalog_is_what_make_catalog_generates() -> None:
    """The catalog is generated data: regenerating it from the pinned packages changes nothing."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, str(root / "scripts" / "gen_catalog.py"), "--check"],
                          capture_output=True, text=True, timeout=600)  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
