"""Front matter: YAML and TOML, broken and absent."""

from __future__ import annotations

from harness.extract import extract_text
from harness.extract.formats import HUGO
from harness.extract.frontmatter import read_front_matter


def test_yaml() -> None:
    front = read_front_matter("---\ntitle: x\nmodel:\n  id: cf/a/b\n---\n\nbody\n")
    assert front.data == {"title": "x", "model": {"id": "cf/a/b"}}
    assert (front.end_line, front.problems) == (5, ())


def test_toml() -> None:
    front = read_front_matter('+++\ntitle = "x"\n[model]\nid = "cf/a/b"\n+++\nbody\n')
    assert front.data == {"title": "x", "model": {"id": "cf/a/b"}}
    assert front.end_line == 5


def test_no_front_matter() -> None:
    front = read_front_matter("# Title\n---\n")
    assert (front.data, front.end_line, front.problems) == ({}, 0, ())


def test_broken_yaml_reports_the_page_line() -> None:
    front = read_front_matter("---\ntitle: x\nmodel:\n  id: [cf/a\n---\n")
    [problem] = front.problems
    assert front.data == {}
    assert problem.line == 5
    assert problem.message.startswith("broken front matter:")


def test_broken_yaml_with_context_names_both_lines() -> None:
    front = read_front_matter('---\ntitle: "unterminated\nweight: 2\n---\n')
    [problem] = front.problems
    assert "at line 2" in problem.message


def test_broken_toml_reports_the_page_line() -> None:
    front = read_front_matter('+++\ntitle = "x"\nweight = = 2\n+++\n')
    [problem] = front.problems
    assert (problem.line, front.data) == (3, {})


def test_unclosed_front_matter() -> None:
    front = read_front_matter("---\ntitle: x\n\n# Body\n")
    [problem] = front.problems
    assert (problem.line, front.end_line) == (1, 0)
    assert "never closed" in problem.message


def test_front_matter_that_is_not_a_mapping() -> None:
    front = read_front_matter("---\n- a\n- b\n---\n")
    assert front.data == {} and "not a mapping" in front.problems[0].message


def test_empty_front_matter() -> None:
    assert read_front_matter("---\n---\ntext\n").data == {}


def test_a_page_keeps_its_front_matter_lines_and_not_its_body() -> None:
    """A plan of many pages holds each page's front matter text (to point at documented values),
    not the whole page: the body lives on in the snippets only."""
    text = "---\ntitle: x\nmodel:\n  id: cf/a/b\n---\n\n# Body\n\n```py\nprint(1)\n```\n"
    page = extract_text(text, "p.md", HUGO).page
    assert page.front_matter_text == "---\ntitle: x\nmodel:\n  id: cf/a/b\n---"
    assert extract_text("# Body only\n", "p.md", HUGO).page.front_matter_text == ""
