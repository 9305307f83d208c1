"""Regenerates harness/mock/data/catalog.json from the packages a registry serves (`make catalog`).

Sources, newest first: `@cloudflare/workers-types` 5.x (`AiModels`: every model id, its input and
output types), `@cloudflare/workers-types` 4.x (models since dropped from the types), and
`@cloudflare/ai` 1.2.2 (the 2024 model list by task, and its aliases). Their versions are pinned in
scripts/gen_catalog/package.json; scripts/gen_catalog/extract.mjs reads them with the TypeScript
compiler. Facts the types do not carry (limits, default `max_tokens`, task schemas with limits)
come from harness/mock/data/facts.yaml. Usage: `python scripts/gen_catalog.py [--check]`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "scripts" / "gen_catalog"
DATA = ROOT / "harness" / "mock" / "data"
OUT = DATA / "catalog.json"
NEWEST_TYPES = "@cloudflare/workers-types"


def extract() -> dict[str, Any]:
    """The packages' models, as extract.mjs prints them (installs the pinned packages first)."""
    if not (NODE_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    done = subprocess.run(["node", "extract.mjs"], cwd=NODE_DIR, check=True, capture_output=True, text=True)
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _keys(schema: Any) -> set[str]:
    """Every property name of an object schema or of any of its `anyOf` branches."""
    if not isinstance(schema, dict):
        return set()
    found = set(schema.get("properties", {}))
    for branch in schema.get("anyOf", []):
        found |= _keys(branch)
    return found


def _binary(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return "x-binary" in schema or any(_binary(b) for b in schema.get("anyOf", []))


def classify(inputs: Any, outputs: Any) -> tuple[str, str]:
    """`(task, answer)` of a model declared with its own input and output types."""
    ins, outs = _keys(inputs), _keys(outputs)
    if "choices" in outs:
        return "chat", "chat"
    if {"data", "shape"} <= outs:
        return "text-embeddings", "embeddings"
    if "contexts" in ins and "text" not in ins:
        return "text-classification", "shaped"
    if "response" in outs and ins & {"messages", "prompt"}:
        return "text-generation", "text"
    if "image" in outs or "multipart" in ins:
        return "text-to-image", "shaped"
    if "speaker" in ins:
        return "text-to-speech", "speech" if _binary(outputs) or not outs else "shaped"
    if outs & {"translated_text", "translations"}:
        return "translation", "shaped"
    if "audio" in ins or "transcript" in outs:
        return "speech-recognition", "shaped"
    if "image" in ins:
        return "image-to-text", "shaped"
    if not outs and "prompt" in ins:
        return "text-to-image", "image"
    return "other", "shaped"


def build(extracted: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """The catalog document: sources, tasks, models (id -> task, sources, schemas), aliases, and the
    named types of the newest types package (`AIGatewayProviders`, `ChatCompletionsInput`, ...)."""
    tasks: dict[str, Any] = facts["tasks"]
    models: dict[str, dict[str, Any]] = {}
    legacy = {model_id: task for task, ids in extracted["legacy"].items() for model_id in ids}
    for package, declared in extracted["typed"].items():
        for entry in declared:
            known = models.get(entry["id"])
            if known is not None:
                known["sources"].append(package)
                continue
            generic = re.fullmatch(r"BaseAi(\w+)", entry["class"])
            model: dict[str, Any] = {"sources": [package]}
            if entry["id"] in legacy:  # the 2024 API schema of its task has the limits the types lack
                model["task"] = legacy[entry["id"]]
            elif generic and _kebab(generic[1]) in tasks:
                model["task"] = _kebab(generic[1])
                if "schema" not in tasks[model["task"]]:
                    model["schema"] = entry["inputs"]
                if tasks[model["task"]]["answer"] == "shaped":
                    model["output"] = entry["outputs"]
            else:
                model["task"], answer = classify(entry["inputs"], entry["outputs"])
                model["answer"] = answer
                model["schema"], model["output"] = entry["inputs"], entry["outputs"]
            models[entry["id"]] = model
    for task, ids in extracted["legacy"].items():
        for model_id in ids:
            models.setdefault(model_id, {"task": task, "sources": []})["sources"].append("@cloudflare/ai")
    for model_id, settings in (facts.get("settings") or {}).items():
        if model_id not in models:
            raise SystemExit(f"facts.yaml: settings for {model_id!r}, which no source lists")
        models[model_id].update(settings)
    aliases = {alias: target for target, names in extracted["aliases"].items() for alias in names}
    for alias in list(aliases):  # an SDK alias stays one unless the newest types declare it a model
        if NEWEST_TYPES in models.get(alias, {}).get("sources", ()):
            del aliases[alias]
        else:
            models.pop(alias, None)
    aliases.update(facts.get("aliases") or {})
    sources = [{**s, "package": s["package"].removesuffix("-4")} | {"as": s["package"]} for s in extracted["sources"]]
    return {
        "generated_by": "scripts/gen_catalog.py (make catalog); do not edit, edit harness/mock/data/facts.yaml",
        "sources": sources,
        "tasks": tasks,
        "models": dict(sorted(models.items())),
        "aliases": dict(sorted(aliases.items())),
        "named": extracted["named"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed catalog is not current")
    args = parser.parse_args(argv)
    facts = yaml.safe_load((DATA / "facts.yaml").read_text("utf-8"))
    catalog = build(extract(), facts)
    for task in catalog["tasks"].values():  # harness/mock/catalog.py trusts the generated file
        Draft202012Validator.check_schema(task.get("schema", {}))
    for model_id, model in catalog["models"].items():
        for part in ("schema", "output"):
            try:
                Draft202012Validator.check_schema(model.get(part, {}))
            except SchemaError as exc:
                raise SystemExit(f"{model_id}: its {part} is not a JSON Schema: {exc.message}") from exc
    text = json.dumps(catalog, indent=1, sort_keys=False) + "\n"
    if args.check:
        current = OUT.read_text("utf-8") if OUT.exists() else ""
        print("catalog is current" if current == text else f"{OUT} is stale: run make catalog")
        return 0 if current == text else 1
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {text.count(chr(10))} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
