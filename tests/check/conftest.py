"""Builders for evidence, so each rule can be tested on exactly the facts it reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.model import Evidence, HttpResponse, Page, RecordedRequest, Snippet

PAGE_TEXT = """---
title: mistral
model:
  id: cf/mistral/mistral-7b-instruct-v0.1
  params:
    - name: prompt
      type: string
    - name: raw
      type: boolean
      optional: true
---
"""


@pytest.fixture
def page() -> Page:
    front = {"model": {"id": "cf/mistral/mistral-7b-instruct-v0.1",
                       "params": [{"name": "prompt"}, {"name": "raw", "optional": True}]}}
    return Page(path="docs/model.md", front_matter=front, front_matter_text=PAGE_TEXT)


def make_snippet(code: str = "print('hi')\n", language: str = "py", label: str | None = "python",
                 line: int = 20) -> Snippet:
    return Snippet(id=f"docs/model.md::g1::{label}", page="docs/model.md", group="g1", label=label,
                   language=language, code=code, line=line, source=code, fence_line=line - 1)


def make_request(body: Any = None, *, via: str = "rest", status: int = 200,
                 model: str | None = "@cf/mistral/mistral-7b-instruct-v0.1",
                 headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),),
                 error: str | None = None) -> RecordedRequest:
    raw = json.dumps(body).encode() if body is not None else b""
    path = f"/client/v4/accounts/a/ai/run/{model}" if via == "rest" else "/__harness/binding/run"
    return RecordedRequest(snippet_id="docs/model.md::g1::python", via=via, method="POST",
                           url="https://api.cloudflare.com" + path, path=path, headers=headers, body=raw,
                           json=body, model=model, status=status, error=error)


def make_evidence(snippet: Snippet | None = None, *requests: RecordedRequest, exit_code: int | None = 0,
                  stderr: str = "", timed_out: bool = False, response: HttpResponse | None = None,
                  truncated: bool = False, stdout: str = "{\"response\": \"hi\"}\n") -> Evidence:
    return Evidence(snippet=snippet or make_snippet(), runner="python", exit_code=exit_code, stdout=stdout,
                    stderr=stderr, duration_s=0.1, requests=tuple(requests), response=response,
                    timed_out=timed_out, output_truncated=truncated)
