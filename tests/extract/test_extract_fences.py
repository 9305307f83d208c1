"""Fences: languages, info strings, markdown containers, unclosed blocks."""

from __future__ import annotations

import pytest

from harness.extract.languages import language_of
from harness.model import Severity

from .support import authored
from .support import hugo as extract


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("ts", "ts"),
        ("typescript", "ts"),
        ("js", "js"),
        ("JavaScript", "js"),
        ("mjs", "js"),
        ("cjs", "js"),
        ("py", "py"),
        ("python", "py"),
        ("python3", "py"),
        ("sh", "sh"),
        ("bash", "sh"),
        ("shell", "sh"),
        ("console", "sh"),
        ("zsh", "sh"),
    ],
)
def test_runnable_languages_are_normalized(word: str, language: str) -> None:
    code = {"js": "console.log(1)", "ts": "console.log(1)", "py": "print(1)", "sh": "echo 1"}[language]
    [snippet] = extract(f"```{word}\n{code}\n```\n").snippets
    assert (snippet.language, snippet.skip_reason) == (language, None)


@pytest.mark.parametrize("word", ["json", "jsonc", "toml", "yaml", "txt", "mermaid", "html", "go", "rust", "tsx"])
def test_known_languages_that_do_not_run(word: str) -> None:
    extraction = extract(f"```{word}\nx\n```\n")
    [snippet] = extraction.snippets
    assert (snippet.language, snippet.skip_reason) == (word, f"not runnable: {word}")
    assert extraction.diagnostics == ()


def test_info_string_options() -> None:
    [snippet] = extract('```js title="index.js" {3-4,7} collapse={1-2} mode=worker\nx\n```\n').snippets
    assert snippet.info == 'js title="index.js" {3-4,7} collapse={1-2} mode=worker'
    assert authored(snippet.options) == {"title": "index.js", "collapse": "1-2", "mode": "worker"}
    assert language_of("ts{1,3}").name == "ts"


def test_output_blocks_do_not_run() -> None:
    [snippet] = extract("```sh output\nhttps://hello-ai.example.workers.dev\n```\n").snippets
    assert snippet.skip_reason == "not runnable: output block"


def test_tilde_longer_fences_lists_and_blockquotes() -> None:
    text = (
        "~~~py\nprint(1)\n~~~\n\n"
        "````md\n```js\nnot a fence\n```\n````\n\n"
        "1. Run:\n\n   ```sh\n   npm i\n   ```\n\n"
        "> ```js\n> console.log(1)\n> ```\n"
    )
    snippets = extract(text).snippets
    assert [(s.language, s.line, s.fence_line, s.group) for s in snippets] == [
        ("py", 2, 1, "g1"),
        ("md", 6, 5, "g2"),
        ("sh", 14, 13, "g3"),
        ("js", 18, 17, "g4"),
    ]
    assert snippets[1].source == "```js\nnot a fence\n```\n"
    assert snippets[2].code == "npm i\n"
    assert snippets[3].code == "console.log(1)\n"


def test_indented_code_is_not_a_fence() -> None:
    assert extract("Text\n\n    ```js\n    x\n    ```\n").snippets == ()


def test_unclosed_fence_at_the_end() -> None:
    extraction = extract("```js\nconsole.log(1)\n```\n\n```py\nprint(1)\n")
    ok, unclosed = extraction.snippets
    assert ok.skip_reason is None
    assert (unclosed.skip_reason, unclosed.code, unclosed.fence_line) == ("unclosed fence", "print(1)\n", 5)
    [diagnostic] = extraction.diagnostics
    assert (diagnostic.line, diagnostic.severity) == (5, Severity.ERROR)
    assert diagnostic.message == "unclosed code fence opened at line 5"


def test_unclosed_fence_in_a_list_item() -> None:
    extraction = extract("- step\n\n  ```sh\n  ls\n\nafter\n")
    [snippet] = extraction.snippets
    assert snippet.skip_reason == "unclosed fence"


def test_empty_and_blank_blocks() -> None:
    extraction = extract("```js\n```\n\n```py\n\n   \n```\n")
    assert [s.skip_reason for s in extraction.snippets] == ["empty block", "empty block"]
    assert [(d.line, d.message) for d in extraction.diagnostics] == [(1, "empty code block"), (4, "empty code block")]


def test_hugo_block_header_is_metadata_not_code() -> None:
    text = "```js\n---\nfilename: index.js\nheader: Example\n---\nexport default {};\n```\n"
    [snippet] = extract(text).snippets
    assert snippet.code == "export default {};\n"
    assert snippet.source.startswith("---\nfilename: index.js")
    assert snippet.options == {"filename": "index.js", "header": "Example", "kind": "worker"}


def test_front_matter_lines_are_not_markdown() -> None:
    text = "---\ntitle: x\ncode: |\n  ```js\n  no\n  ```\n---\n\n```py\nyes\n```\n"
    [snippet] = extract(text).snippets
    assert (snippet.language, snippet.line) == ("py", 10)


def test_windows_line_ends() -> None:
    [snippet] = extract("```sh\r\n$ ls\r\nfile\r\n```\r\n").snippets
    assert (snippet.code, snippet.expected_output, snippet.line) == ("ls\n", "file\n", 2)
