"""Front matter YAML: what `PlainLoader` builds is what the safe loader builds, on every front
matter of the fixtures and the corpus and on documents that need the safe loader's bookkeeping."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from harness.extract.yamlplain import PlainLoader, SafeLoader

from .support import CORPUS, PAGES

TRICKY = [
    "a: 1\nb: 0x1f\nc: 1_000\nd: 1.5\ne: .inf\nf: yes\ng: ~\nh: 2024-07-01\ni: 2024-07-01 10:00:00Z\nj: '1'\n",
    "a: &x {b: 1}\nc: *x\n",
    "base: &b {x: 1, y: 2}\nmine:\n  <<: *b\n  y: 3\n",
    "a: &s text\nb: *s\n",
    "? [1, 2]\n: v\n",
    "? {a: 1}\n: v\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\nb: !!omap [{k: v}]\n",
    "a: 1\na: 2\nb: [1, [2, {c: d}]]\n",
    "= : v\n",
    "just text\n",
    "- a\n- b\n",
    "",
    "a: &r [*r]\n",
    "a: !custom x\n",
    "a: [unclosed\n",
    "a: b: c\n",
]


def front_matters() -> list[str]:
    pages = [p for root in (PAGES, CORPUS) for p in root.rglob("*") if p.suffix in (".md", ".mdx")]
    bodies = []
    for page in sorted(pages):
        lines = page.read_text(encoding="utf-8").split("\n")
        if lines[0].rstrip() == "---" and "---" in lines[1:]:
            bodies.append("\n".join(lines[1 : lines.index("---", 1)]) + "\n")
    return bodies


def load(text: str, loader: Any) -> tuple[str, object]:
    try:
        return "data", yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders
    except yaml.YAMLError as error:
        return "error", str(error)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_load_as_the_safe_loader_loads_them(text: str) -> None:
    assert repr(load(text, PlainLoader)) == repr(load(text, SafeLoader))


def test_every_front_matter_loads_as_the_safe_loader_loads_it() -> None:
    bodies = front_matters()
    assert len(bodies) > 10
    for body in bodies:
        assert repr(load(body, PlainLoader)) == repr(load(body, SafeLoader)), body


def test_an_alias_keeps_sharing_one_object() -> None:
    data = yaml.load("a: &x [1]\nb: *x\n", Loader=PlainLoader)  # noqa: S506 - a safe loader
    assert data["a"] is data["b"]
