"""Deterministic answers per task: the same model and inputs always get the same answer.

Each task in the catalog names one function of `ANSWERS`. Answers are derived from a hash of
the model id and the inputs (without `stream`, so a streamed answer concatenates to the
non-streamed one); nothing here looks at the clock or a global random state.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from harness.mock import shaped as shapes
from harness.mock.catalog import Model

_SENTENCES = (
    "Hello from the documentation harness.",
    "This answer is deterministic: the same request always gets the same words.",
    "Your request was accepted and validated against the model's input schema.",
    "A real model would answer here with something far more interesting.",
    "The phrase Hello, World goes back to early programming tutorials.",
    "Pizza is good because of its crust, its sauce and its cheese.",
    "Once upon a time a snippet ran against a mock and lived happily ever after.",
)


@dataclass(frozen=True)
class Answer:
    """What the mock answers to a valid request."""

    result: Any = None
    """The JSON `result` of the envelope (ignored when `body` or `events` is set)."""
    body: bytes | None = None
    """A binary body (e.g. `image/png`) sent as is instead of an envelope."""
    content_type: str = "application/json"
    events: tuple[str, ...] | None = None
    """For streams: the `data:` payloads of the server-sent events, `[DONE]` last."""
    result_info: Mapping[str, int] | None = None
    """The envelope's paging of a list (`count`, `page`, `per_page`, `total_count`), if any."""


def digest(model: Model, inputs: Any, raw: bytes | None = None) -> bytes:
    """A stable hash of what was asked (the `stream` flag does not count)."""
    h = hashlib.sha256(model.id.encode())
    if raw is not None:
        h.update(raw)
    else:
        if isinstance(inputs, Mapping):
            inputs = {k: v for k, v in inputs.items() if k != "stream"}
        h.update(json.dumps(inputs, sort_keys=True, default=str).encode())
    return h.digest()


def _rng(seed: bytes) -> random.Random:
    return random.Random(int.from_bytes(seed, "big"))


def _sentence(model: Model, seed: bytes, limit: int) -> list[str]:
    rng = _rng(seed)
    text = f"Mock answer from {model.id} (ref {seed.hex()[:8]})."
    chosen = rng.sample(_SENTENCES, 2 + seed[0] % 3)
    words = " ".join([text, *chosen]).split(" ")[: max(1, limit)]
    return [w + " " for w in words[:-1]] + [words[-1]]


def text(model: Model, inputs: Any, seed: bytes) -> Answer:
    """Text generation: `{"response": ...}`, or one SSE event a word when `stream` is true."""
    streaming = bool(inputs.get("stream"))
    default = model.settings.get("max_tokens_stream" if streaming else "max_tokens", 256)
    tokens = _sentence(model, seed, int(inputs.get("max_tokens") or default))
    if streaming:
        events = tuple(json.dumps({"response": t}, separators=(",", ":")) for t in tokens) + ("[DONE]",)
        return Answer(events=events, content_type="text/event-stream")
    result: dict[str, Any] = {"response": "".join(tokens)}
    tool = shapes.calls_tool(inputs.get("tools"), inputs.get("messages"))
    if tool is not None:
        result["tool_calls"] = [{"name": tool.get("name", ""), "arguments": shapes.arguments(tool, seed)}]
    return Answer(result)


def embeddings(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`{"shape": [n, dims], "data": [[...], ...]}`, one vector per input text (`text`, or the
    `queries` and `documents` of the models that take those instead). A text's vector depends on the
    model and the text alone, as a real embedding does: a Vectorize query with the text finds it."""
    texts = [t for key in ("text", "queries", "documents") if key in inputs
             for t in (inputs[key] if isinstance(inputs[key], list) else [inputs[key]])]
    dims = int(model.settings.get("dimensions", 768))
    data = []
    for given in texts:
        rng = _rng(hashlib.sha256(f"{model.id}\0{given}".encode()).digest())
        data.append([round(rng.uniform(-0.1, 0.1), 6) for _ in range(dims)])
    return Answer({"shape": [len(texts), dims], "data": data})


def _scores(labels: list[str], seed: bytes, count: int) -> list[dict[str, Any]]:
    rng = _rng(seed)
    picked = rng.sample(labels, min(count, len(labels)))
    raw = sorted((rng.random() for _ in picked), reverse=True)
    total = sum(raw) * 1.25
    return [{"label": label, "score": round(v / total, 6)} for label, v in zip(picked, raw, strict=True)]


def text_classification(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`[{"label", "score"}, ...]` over the model's labels."""
    labels = list(model.settings.get("labels", ["NEGATIVE", "POSITIVE"]))
    return Answer(_scores(labels, seed, len(labels)))


def image_classification(model: Model, inputs: Any, seed: bytes) -> Answer:
    """The top five `{"label", "score"}`, best first."""
    return Answer(_scores(list(model.settings.get("labels", ["TABBY"])), seed, 5))


def object_detection(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`[{"score", "label", "box": {xmin, ymin, xmax, ymax}}, ...]`, best first."""
    found = _scores(list(model.settings.get("labels", ["cat"])), seed, 2)
    rng = _rng(seed[::-1])
    for item in found:
        x, y = rng.randint(0, 200), rng.randint(0, 200)
        item["box"] = {"xmin": x, "ymin": y, "xmax": x + rng.randint(20, 200), "ymax": y + rng.randint(20, 200)}
    return Answer(found)


def sentence_similarity(model: Model, inputs: Any, seed: bytes) -> Answer:
    """One score per sentence."""
    rng = _rng(seed)
    return Answer([round(rng.random(), 6) for _ in inputs["sentences"]])


def translation(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`{"translated_text": "[<target_lang>] <text>"}`."""
    return Answer({"translated_text": f"[{inputs['target_lang']}] {inputs['text']}"})


def summarization(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`{"summary": ...}`: the first words of the input, within `max_length`."""
    words = str(inputs["input_text"]).split()
    limit = max(1, min(len(words) // 3 or 1, int(inputs.get("max_length") or 1024)))
    return Answer({"summary": " ".join(words[:limit])})


def speech_recognition(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`{"text", "word_count", "words", "vtt"}`."""
    spoken = _sentence(model, seed, 10)
    words = [{"word": w.strip(), "start": i * 0.5, "end": i * 0.5 + 0.4} for i, w in enumerate(spoken)]
    vtt = "WEBVTT\n\n" + "".join(f"00:00:{w['start']:06.3f} --> 00:00:{w['end']:06.3f}\n{w['word']}\n\n" for w in words)
    return Answer({"text": "".join(spoken), "word_count": len(words), "words": words, "vtt": vtt})


def image_to_text(model: Model, inputs: Any, seed: bytes) -> Answer:
    """`{"description": ...}`."""
    limit = int(inputs.get("max_tokens") or model.settings.get("max_tokens", 512))
    return Answer({"description": "".join(_sentence(model, seed, limit))})


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG image of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def image(model: Model, inputs: Any, seed: bytes) -> Answer:
    """Text to image: a small `image/png` whose colour depends on the inputs."""
    return Answer(body=png(8, 8, (seed[0], seed[1], seed[2])), content_type="image/png")


def chat(model: Model, inputs: Any, seed: bytes) -> Answer:
    """Chat models (their output type is OpenAI's): a `chat.completion`, or its chunks when streamed."""
    limit = int(
        inputs.get("max_tokens") or inputs.get("max_completion_tokens") or model.settings.get("max_tokens", 256)
    )
    pieces = _sentence(model, seed, limit)
    calls = shapes.tool_calls(inputs.get("tools"), inputs.get("messages"), seed)
    prompt = shapes.prompt_of(inputs)
    if inputs.get("stream"):
        chunks = shapes.chat_chunks(model.id, pieces, calls, prompt)
        events = tuple(json.dumps(c, separators=(",", ":")) for c in chunks) + ("[DONE]",)
        return Answer(events=events, content_type="text/event-stream")
    return Answer(shapes.chat_completion(model.id, "".join(pieces), calls, prompt))


def shaped(model: Model, inputs: Any, seed: bytes) -> Answer:
    """A model with its own output type: a value of that type (see `harness.mock.shaped.fill`)."""
    rng = _rng(seed)
    words = iter(lambda: "".join(_sentence(model, rng.randbytes(32), 12)), None)
    picture = png(8, 8, (seed[0], seed[1], seed[2]))
    return Answer(shapes.fill(model.output or {}, rng, lambda: str(next(words)), picture))


def speech(model: Model, inputs: Any, seed: bytes) -> Answer:
    """Text to speech: `audio/mpeg` bytes, about a second a sentence of the prompt."""
    said = str(inputs.get("prompt") or inputs.get("text") or "")
    return Answer(body=shapes.mp3(1 + said.count(".")), content_type="audio/mpeg")


AnswerFunction = Callable[[Model, Any, bytes], Answer]

ANSWERS: Mapping[str, AnswerFunction] = {
    "text": text,
    "embeddings": embeddings,
    "text_classification": text_classification,
    "image_classification": image_classification,
    "object_detection": object_detection,
    "sentence_similarity": sentence_similarity,
    "translation": translation,
    "summarization": summarization,
    "speech_recognition": speech_recognition,
    "image_to_text": image_to_text,
    "image": image,
    "chat": chat,
    "shaped": shaped,
    "speech": speech,
}


def answer(model: Model, inputs: Any, raw: bytes | None = None) -> Answer:
    """The deterministic answer of `model` to valid `inputs` (`raw`: a binary body, if any)."""
    return ANSWERS[model.answer_name](model, inputs, digest(model, inputs, raw))
