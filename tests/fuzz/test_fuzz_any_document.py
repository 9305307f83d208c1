"""The fuzz round takes any OpenAPI document: `HARNESS_FUZZ_OPENAPI` names it and
`HARNESS_FUZZ_MOCK_CONFIG` the configuration that makes the mock serve it (as the Cloudflare REST
contract will be). An answer that does not fit the document fails the round."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .contract import FAILURE, pin_account

ROOT = Path(__file__).resolve().parents[2]


def document(result_id_type: str) -> dict[str, Any]:
    """A POST whose 200 answer is the envelope around `{id}`, with `id` typed `result_id_type`; the
    mock answers the example, whose `id` is a string."""
    envelope = {"type": "object", "required": ["success", "errors", "messages", "result"], "properties": {
        "success": {"type": "boolean"}, "errors": {"type": "array"}, "messages": {"type": "array"},
        "result": {"type": "object", "required": ["id"], "properties": {"id": {"type": result_id_type}}}}}
    example = {"success": True, "errors": [], "messages": [], "result": {"id": "ft-1"}}
    return {
        "openapi": "3.0.3", "info": {"title": "finetunes", "version": "1"},
        "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
        "paths": {"/accounts/{account_id}/ai/finetunes": {"post": {
            "parameters": [{"in": "path", "name": "account_id", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["model", "name"], "additionalProperties": False,
                "properties": {"model": {"type": "string"}, "name": {"type": "string"}}}}}},
            "responses": {
                "200": {"description": "created", "content": {"application/json": {
                    "schema": envelope, "example": example}}},
                "default": {"description": "failure", "content": {"application/json": {"schema": FAILURE}}}},
        }}},
    }


def fuzz(tmp_path: Path, doc: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "doc.json").write_text(json.dumps(doc))
    (tmp_path / "harness.toml").write_text('openapi = ["doc.json"]\n')
    env = {**os.environ, "HARNESS_FUZZ_OPENAPI": str(tmp_path / "doc.json"),
           "HARNESS_FUZZ_MOCK_CONFIG": str(tmp_path / "harness.toml"), "HARNESS_FUZZ_EXAMPLES": "5"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "--tb=short",
                           "tests/fuzz/test_fuzz_mock.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240)


def test_a_document_the_mock_fits_passes(tmp_path: Path) -> None:
    done = fuzz(tmp_path, document("string"))
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 passed" in done.stdout and "ai/finetunes" not in done.stdout


def test_an_answer_that_does_not_fit_fails_the_round(tmp_path: Path) -> None:
    done = fuzz(tmp_path, document("integer"))
    assert done.returncode == 1
    assert "ai/finetunes" in done.stdout and '"ft-1" is not of type "integer"' in done.stdout


def test_the_account_is_pinned_in_any_document() -> None:
    pinned = pin_account(document("string"))
    [parameter] = pinned["paths"]["/accounts/{account_id}/ai/finetunes"]["post"]["parameters"]
    assert parameter["schema"] == {"type": "string", "enum": ["023e105f4ecef8ad9ca31a8372d0c353"]}
