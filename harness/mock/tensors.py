"""The tensor protocol of `@cloudflare/ai` 1.0.x: model inputs from tensors, answers as tensors.

The 1.0 client does each task's pre-processing itself (a text-generation prompt goes through the
model's chat template) and posts the result as named tensors: `{"input": [{"type", "shape",
"name", "value"}], "stream": bool}`. The mock turns them back into the model inputs the catalog
validates (`inputs_from_tensors`; for text generation that is `{"prompt": <the templated
prompt>, "raw": true, "max_tokens": n}`: the messages themselves never reach the service), and
turns its answer into the tensors whose names the client's post-processing reads
(`answer_tensors`), e.g. `name` and `generated_text` for text, `embeddings`, `logits`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.mock.answers import Answer
from harness.mock.catalog import Model

Tensor = dict[str, Any]

_FIELDS: Mapping[str, Mapping[str, tuple[str, bool]]] = {
    "text-embeddings": {"input_text": ("text", True)},
    "text-classification": {"input_text": ("text", False)},
    "translation": {
        "text": ("text", False),
        "source_lang": ("source_lang", False),
        "target_lang": ("target_lang", False),
    },
    "summarization": {"input_text": ("input_text", False), "max_length": ("max_length", False)},
    "sentence-similarity": {"source_sentence": ("source", False), "sentences": ("sentences", True)},
    "speech-recognition": {"audio": ("audio", True)},
    "image-classification": {"input": ("image", True)},
    "object-detection": {"input": ("image", True)},
    "text-to-image": {
        "input_text": ("prompt", False),
        "negative_prompt": ("negative_prompt", False),
        "num_steps": ("num_steps", False),
        "strength": ("strength", False),
        "guidance": ("guidance", False),
        "image": ("image", True),
        "mask_image": ("mask", True),
    },
    "image-to-text": {"image": ("image", True), "prompt": ("prompt", False), "max_tokens": ("max_tokens", False)},
}
"""Per task: tensor name -> (input field, whether the field is the whole value list or its first item)."""


def _value(tensor: Tensor, whole: bool) -> Any:
    value = tensor.get("value")
    if whole:
        return value
    while isinstance(value, list) and value:
        value = value[0]
    return value


@dataclass(frozen=True)
class TensorCall:
    """What a 1.0 request asked for."""

    inputs: Any
    """The model inputs, as far as they could be rebuilt."""
    problem: str | None = None
    """Why the tensors are not a valid call (malformed or unknown tensors), else None."""
    echo_prompt: bool = False
    """A vLLM model (`text_input`): the client cuts the prompt off the front of the answer."""


def inputs_from_tensors(model: Model, tensors: Any, stream: bool) -> TensorCall:
    """The model inputs that `tensors` stand for."""
    if not isinstance(tensors, list):
        return TensorCall(None, 'Error: expected {"input": [tensors]}')
    by_name: dict[str, Tensor] = {}
    for i, item in enumerate(tensors):
        if not isinstance(item, Mapping) or "value" not in item:
            return TensorCall(None, f"Error: input tensor {i} has no value")
        by_name[str(item.get("name") or f"input{i}")] = dict(item)
    inputs: dict[str, Any] = {}
    echo = "text_input" in by_name
    if model.task.name == "text-generation":
        prompt = by_name.pop("INPUT_0", None) or by_name.pop("text_input", None)
        if prompt is not None:
            inputs.update(prompt=_value(prompt, False), raw=True)
        if "INPUT_1" in by_name:
            inputs["max_tokens"] = _value(by_name.pop("INPUT_1"), False)
        if "sampling_parameters" in by_name:
            sampling = _value(by_name.pop("sampling_parameters"), False)
            try:
                inputs.update(json.loads(sampling))
            except (TypeError, ValueError):
                return TensorCall(inputs, f"Error: sampling_parameters is not JSON: {sampling!r}")
        by_name.pop("stream", None)
    else:
        for name, (field, whole) in _FIELDS.get(model.task.name, {}).items():
            if name in by_name:
                inputs[field] = _value(by_name.pop(name), whole)
        if inputs.get("negative_prompt") == "":
            del inputs["negative_prompt"]
    if by_name:
        return TensorCall(inputs, f"Error: unexpected input tensor(s) {', '.join(sorted(by_name))} for {model.id}")
    if stream:
        inputs["stream"] = True
    return TensorCall(inputs, None, echo)


def tensor(name: str, kind: str, value: Any, shape: Sequence[int]) -> Tensor:
    """One tensor as the client's `Tensor.fromJSON` reads it (shape must match the value's size)."""
    return {"type": kind, "shape": list(shape), "name": name, "value": value}


def _text(text: str) -> list[Tensor]:
    # triton models read `name`, TGI models `generated_text`: both are sent
    return [tensor("name", "str", [text], [1]), tensor("generated_text", "str", [text], [1])]


def _echoed(call: TensorCall, text: str) -> str:
    return str(call.inputs.get("prompt", "")) + text if call.echo_prompt else text


def stream_events(call: TensorCall, answer: Answer) -> tuple[str, ...]:
    """A streamed text answer as 1.0 reads it: `{"result": [tensors]}` per token, `[DONE]` last."""
    tokens = [json.loads(e)["response"] for e in answer.events or () if e != "[DONE]"]
    events = [{"result": _text(_echoed(call, t) if i == 0 else t)} for i, t in enumerate(tokens)]
    return (*(json.dumps(e, separators=(",", ":")) for e in events), "[DONE]")


def answer_tensors(model: Model, call: TensorCall, answer: Answer) -> list[Tensor]:
    """The tensors of a non-streamed answer."""
    result = answer.result
    kind = model.answer_name
    if kind == "text":
        return _text(_echoed(call, result["response"]))
    if kind == "embeddings":
        return [tensor("embeddings", "float32", result["data"], result["shape"])]
    if kind == "text_classification":
        scores = {item["label"]: item["score"] for item in result}
        labels = list(model.settings.get("labels", scores))
        return [tensor("logits", "float32", [[scores.get(label, 0.0) for label in labels]], [1, len(labels)])]
    if kind == "image_classification":
        best = result[0]["score"] if result else 0.5
        logits = [round(best / (1 + (i * 7919) % 1000), 6) for i in range(1000)]
        return [tensor("output", "float32", [logits], [1, 1000])]
    if kind == "object_detection":
        boxes = [[b["box"][k] for k in ("xmin", "ymin", "xmax", "ymax")] for b in result]
        return [
            tensor("scores", "float32", [[b["score"] for b in result]], [1, len(result)]),
            tensor("labels", "int32", [list(range(len(result)))], [1, len(result)]),
            tensor("boxes", "float32", [boxes], [1, len(result), 4]),
            tensor("name", "str", [b["label"] for b in result], [len(result)]),
        ]
    if kind == "sentence_similarity":
        return [tensor("scores", "float32", result, [len(result)])]
    if kind == "speech_recognition":
        words = result["words"]
        spoken = [w["word"] + " " for w in words]
        stamps = [[[w["start"], w["end"]] for w in words]]
        return [
            tensor("name", "str", spoken, [len(spoken)]),
            tensor("word_count", "int32", [len(words)], [1]),
            tensor("timestamps", "float32", stamps, [1, len(words), 2]),
        ]
    if kind == "image" and answer.body is not None:
        return [tensor("output_image", "uint8", list(answer.body), [len(answer.body)])]
    field = {"translation": "translated_text", "summarization": "summary", "image_to_text": "description"}[kind]
    return [tensor("name", "str", [result[field]], [1])]
