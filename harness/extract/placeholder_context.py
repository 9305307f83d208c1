"""Values for placeholders that their name alone does not settle, chosen by where they sit.

- A model the reader picks (`<model_name>`, `{MODEL_ID}`) in code about fine-tunes or LoRA adapters
  (`wrangler ai finetune create <model_name> ...`) gets a LoRA-capable model of the catalog (one the code
  does not name elsewhere).
- A placeholder that is a field of a JSON body sent to Cloudflare's API (`curl .../accounts/{id}/members
  --data '{"roles": ["<USER_ROLE>"]}'`) gets a value that fits the contract's schema of that field: its
  `const`, first `enum` value, `example` or `default`; an email address for `format: email`; and for a
  string with no constraint in a list named after what it holds (`roles`, `zone_ids`) whose placeholder
  says it is one (`<USER_ROLE>`), the id of one such item (`generated_id`: the id a `{role_id}`
  placeholder gets too).

- An account id in the account slot of an API path (`/accounts/<CUSTOMER_ACCOUNT_ID>/members`) gets the
  account the mock holds, the one the harness's token reaches (`TEST_ACCOUNT_ID`).

Each is None when the code gives no such place (the name-only values of `generated_values` apply then).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from harness.extract.placeholder_values import TEST_ACCOUNT_ID
from harness.extract.shfacts import sh_facts
from harness.generated_values import generated_id, supplied_value

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_FINE_TUNE = re.compile(r"fine-?tun|\blora\b", re.IGNORECASE)
_DATA_FLAGS = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--json"})
_API_PREFIX = "/client/v4"


def _words(token: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(token.strip("<>{}$[]"))]


def contextual_value(token: str, code: str, language: str) -> str | None:
    """The value `token` gets from where it sits in `code`, or None."""
    words = _words(token)
    if "/accounts/" + token in code and words[-2:] in (["account", "id"], ["account", "tag"]):
        return TEST_ACCOUNT_ID
    if words and (words[-1] == "model" or words[-2:] in (["model", "name"], ["model", "id"])) \
            and _FINE_TUNE.search(code):
        return lora_model(code)
    if language == "sh" and ("-d" in code or "--data" in code or "--json" in code):
        return body_field_value(token, code)
    return None


@cache
def _lora_models() -> tuple[str, ...]:
    raw = json.loads(resources.files("harness.mock").joinpath("data/catalog.json").read_text("utf-8"))
    return tuple(sorted(model for model in raw.get("models", {}) if model.endswith("-lora")))


def lora_model(code: str) -> str | None:
    """A LoRA-capable model of the catalog: the first by id that `code` does not name itself (a value the
    report shows as its placeholder must not stand for a model the page's code names: that one would
    read as the placeholder too)."""
    models = _lora_models()
    return next((m for m in models if m not in code), models[0] if models else None)


def body_field_value(token: str, code: str) -> str | None:
    """The value of `token` where it is a field of a curl command's JSON body to Cloudflare's API."""
    for command in sh_facts(code).commands:
        words = command.words
        if not words or words[0] != "curl":
            continue
        data = _data(words)
        if data is None or token not in data:
            continue
        url = next((w for w in words if w.startswith(("http://", "https://"))), "")
        path = urlsplit(url).path
        if not path.startswith(_API_PREFIX):
            continue
        method = _method(words)
        try:
            body = json.loads(data)
        except ValueError:
            continue
        for where in _paths_of(body, token, ()):
            schema = _field_schema(method, path.removeprefix(_API_PREFIX), where)
            if schema is not None and (value := _fitting(schema, where, token)) is not None:
                return value
    return None


def _data(words: tuple[str, ...]) -> str | None:
    for i, word in enumerate(words):
        if word in _DATA_FLAGS and i + 1 < len(words):
            return words[i + 1]
        name, _, value = word.partition("=")
        if name in _DATA_FLAGS and name.startswith("--") and value:
            return value
    return None


def _method(words: tuple[str, ...]) -> str:
    for i, word in enumerate(words):
        if word in ("-X", "--request") and i + 1 < len(words):
            return words[i + 1].upper()
        if word.startswith("-X") and len(word) > 2:
            return word[2:].upper()
    return "POST"


def _paths_of(value: Any, token: str, at: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Where in a JSON value a string is exactly `token` (keys and list indexes)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _paths_of(item, token, (*at, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_of(item, token, (*at, index))
    elif value == token:
        yield at


def _field_schema(method: str, path: str, where: tuple[str | int, ...]) -> Mapping[str, Any] | None:
    from harness.mock.services.cloudflare_api.contract import load_contract  # the contract, only when asked
    from harness.mock.services.cloudflare_api.store import missing_contract

    if missing_contract() is not None:
        return None
    contract = load_contract()
    match = contract.match(method, path)
    if match is None or match.route is None:
        return None
    content = (contract.operation(match.route).get("requestBody") or {}).get("content") or {}
    schema = next((m.get("schema") for m in content.values() if isinstance(m, Mapping)), None)
    return _descend(schema, where)


def _descend(schema: Any, where: tuple[str | int, ...]) -> Mapping[str, Any] | None:
    if not isinstance(schema, Mapping):
        return None
    if not where:
        return schema
    for branch in schema.get("anyOf") or schema.get("oneOf") or ():
        found = _descend(branch, where)
        if found is not None:
            return found
    step, rest = where[0], where[1:]
    if isinstance(step, int):
        return _descend(schema.get("items"), rest)
    return _descend((schema.get("properties") or {}).get(step), rest)


def _fitting(schema: Mapping[str, Any], where: tuple[str | int, ...], token: str) -> str | None:
    if "const" in schema:
        return str(schema["const"])
    for key in ("enum", "examples"):
        if schema.get(key):
            return str(schema[key][0])
    for key in ("example", "default"):
        if isinstance(schema.get(key), str):
            return str(schema[key])
    if schema.get("type") != "string" or schema.get("pattern"):
        return None
    if schema.get("format") == "email":
        return supplied_value(token) or "-".join(_words(token) or ["reader"]) + "@example.com"
    named = next((str(step) for step in reversed(where) if isinstance(step, str)), "")
    item = named.removesuffix("_ids").removesuffix("s")
    if isinstance(where[-1], int) and named.endswith("s") and not schema.get("format") and item in _words(token):
        return generated_id(item + "_id")  # `"roles": ["<USER_ROLE>"]`: a role, by its id
    return None
