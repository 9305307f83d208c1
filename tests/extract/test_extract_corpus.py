"""Real Cloudflare docs pages from the shared corpus (read-only, next to the repo)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from harness.extract import extract_page
from harness.generated_values import generated_id
from harness.model import Extraction, Severity

from .support import CORPUS

HUGO = CORPUS / "cloudflare-docs-hugo-2024-07" / "content"
MDX = CORPUS / "cloudflare-docs-mdx-2026-07" / "src" / "content" / "docs"


def extract(path: Path) -> Extraction:
    return extract_page(path, path.name)


def summary(extraction: Extraction) -> list[tuple[str, str | None, str]]:
    return [(s.id.split("::", 1)[1], s.label, s.language) for s in extraction.snippets]


def test_corpus_is_there() -> None:
    assert len([p for p in CORPUS.rglob("*") if p.is_file()]) > 90, f"shared corpus missing at {CORPUS}"


def test_hugo_fetch_json_example() -> None:
    extraction = extract(HUGO / "workers" / "examples" / "fetch-json.md")
    assert summary(extraction) == [("g1::js", "js", "js"), ("g1::ts", "ts", "ts"), ("g1::py", "py", "py")]
    assert [s.line for s in extraction.snippets] == [21, 48, 76]
    assert extraction.diagnostics == ()


def test_hugo_rag_tutorial() -> None:
    extraction = extract(HUGO / "workers-ai" / "tutorials" / "build-a-retrieval-augmented-generation-ai.md")
    assert len(extraction.snippets) == 19
    assert len({s.group for s in extraction.snippets}) == 17
    assert [s.label for s in extraction.snippets[:3]] == ["npm", "yarn", "pnpm"]
    assert Counter(s.language for s in extraction.snippets) == {"sh": 12, "toml": 3, "js": 4}
    deploy = next(s for s in extraction.snippets if s.line == 143)
    assert deploy.code == "curl https://example.username.workers.dev\n"
    assert deploy.expected_output == '{"response":"Answer: The square root of 9 is 3."}\n'
    index_js = next(s for s in extraction.snippets if s.line == 113)
    assert index_js.options == {"filename": "src/index.js", "kind": "worker"}
    assert not index_js.code.startswith("---")
    assert [d.severity for d in extraction.diagnostics] == [Severity.INFO]


def test_hugo_section_page_with_code_headers() -> None:
    extraction = extract(HUGO / "workers-ai" / "function-calling" / "_index.md")
    assert summary(extraction) == [
        ("g1::Embedded", "Embedded", "sh"),
        ("g1::Embedded#2", "Embedded", "js"),
        ("g1::Traditional", "Traditional", "js"),
    ]
    install = extraction.snippets[0]
    assert install.code == "# The ai-utils package enables embedded function calling\nnpm i @cloudflare/ai-utils\n"
    assert extraction.snippets[1].options == {"header": "Embedded function calling example", "kind": "worker"}


def test_mdx_prepared_statements() -> None:
    extraction = extract(MDX / "d1" / "worker-api" / "prepared-statements.mdx")
    assert len(extraction.snippets) == 36
    assert len({s.group for s in extraction.snippets}) == 21
    assert Counter(s.label for s in extraction.snippets) == {"JavaScript": 15, "Python": 15, None: 6}
    assert summary(extraction)[2:4] == [("g2::JavaScript", "JavaScript", "js"), ("g2::Python", "Python", "py")]
    assert extraction.diagnostics == ()


def test_mdx_nested_tabs() -> None:
    extraction = extract(MDX / "stream" / "get-started.mdx")
    assert summary(extraction)[:4] == [
        ("g1::cURL", "cURL", "sh"),
        ("g1::TypeScript", "TypeScript", "ts"),
        ("g2::index.ts", "index.ts", "ts"),
        ("g2::wrangler.jsonc", "wrangler.jsonc", "json"),
    ]
    assert len(extraction.snippets) == 11
    # the SDK calls leave out `import Cloudflare from "cloudflare"`: run with it, and the writer is told
    assert [(d.line, d.message.split(":")[0]) for d in extraction.diagnostics if d.severity is not Severity.INFO] == [
        (49, "uses `Cloudflare` without importing it"), (202, "uses `Cloudflare` without importing it")]
    # the video id gets a value of its form (32 hex digits), the same in every block that names it
    [uses] = [s for s in extraction.snippets if "<VIDEO_UID>" in s.source and s.language == "sh"]
    assert json.loads(uses.options["generated"]) == {"<VIDEO_UID>": generated_id("<VIDEO_UID>")}
    assert re.fullmatch("[0-9a-f]{32}", generated_id("<VIDEO_UID>"))


def test_mdx_workers_ai_get_started() -> None:
    extraction = extract(MDX / "workers-ai" / "get-started" / "workers-wrangler.mdx")
    assert [s.language for s in extraction.snippets] == ["sh", "jsonc", "ts", "sh", "json", "sh", "sh", "sh"]
    worker = extraction.snippets[2]
    assert worker.line == 84
    assert worker.options == {"typescript_example": "true", "filename": "index.ts", "kind": "worker"}
    assert extraction.snippets[-1].skip_reason == "not runnable: output block"
    notes = [d.message for d in extraction.diagnostics]
    assert "generated code not extracted: <PackageManagers>" in notes
    assert "generated code not extracted: <WranglerConfig>" in notes
    assert all(d.severity is Severity.INFO for d in extraction.diagnostics)


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.rglob("*") if p.is_file()), ids=lambda p: str(p.relative_to(CORPUS))
)
def test_every_corpus_file_extracts_without_raising(path: Path) -> None:
    extraction = extract(path)
    # code a component renders (`<APIRequest>`) starts at its tag's line; a fence's after the fence
    assert all(s.line == s.fence_line + (0 if "rendered" in s.options else 1) for s in extraction.snippets)
    assert len({s.id for s in extraction.snippets}) == len(extraction.snippets)
    assert [d for d in extraction.diagnostics if d.severity is Severity.ERROR] == []
