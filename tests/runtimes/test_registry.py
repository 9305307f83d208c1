"""The runtime registry: the built-in runtimes, the choice of runtime for a snippet, and a third-party
runtime added by an entry point alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.extract import extract_text
from harness.extract.formats import HUGO
from harness.extract.languages import language_of
from harness.model import Snippet
from harness.run.registry import default_runners_dir, runner_name_for, runners
from harness.runtimes import registry
from harness.runtimes.registry import RuntimePluginError, runtime_for_fence, runtime_named

from .support import install


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    """Each test reads the entry points anew, and leaves the registry as it found it."""
    registry.reload()
    yield
    registry.reload()


def snippet(language: str, code: str, **options: str) -> Snippet:
    return Snippet(id="page.md::g1::1", page="page.md", group="g1", label=None, language=language, code=code,
                   line=3, options=options)


def test_built_in_runtimes_match_their_runner_and_image() -> None:
    assert registry.runtime_names() == ("python", "node", "shell", "worker", "wrangler")
    built = runners(default_runners_dir())
    for runtime in registry.runtimes():
        runner = built[runtime.name]
        assert (runner.name, getattr(runner, "warm_server", None)) == (runtime.name, runtime.warm_server)
        dockerfile = (default_runners_dir() / runtime.name / "Dockerfile").read_text()
        declared = re.search(r"^ARG BASE=(\S+)", dockerfile, re.MULTILINE)
        assert declared is not None and declared.group(1) == runtime.base_image.offline, runtime.name
    assert [r.name for r in registry.runtimes() if r.warm_server] == ["worker"]


def test_languages_and_fence_words() -> None:
    assert [lang.name for lang in registry.languages()] == ["py", "js", "ts", "sh"]
    named = {word: getattr(registry.language_for_fence(word), "name", None) for word in ("Python3", "mts", "console")}
    assert named == {"Python3": "py", "mts": "ts", "console": "sh"}
    assert registry.language_for_fence("ruby") is None and registry.language_named("rb") is None


@pytest.mark.parametrize(
    ("language", "code", "options", "runtime"),
    [
        ("js", "export default { async fetch() { return new Response('x'); } };", {}, "worker"),
        ("ts", "console.log(await fetch('https://x'));", {}, "node"),
        ("js", "anything", {"kind": "worker"}, "worker"),
        ("js", "export default { fetch() {} }", {"kind": "script"}, "node"),
        ("js", "x()", {"kind": "fragment"}, None),
        ("py", "print(1)", {}, "python"),
        ("py", "print(1)", {"kind": "notebook"}, None),
        ("sh", "curl https://x", {"kind": "shell"}, "shell"),
        ("json", "{}", {}, None),
    ],
)
def test_the_snippets_kind_picks_among_its_languages_runtimes(
    language: str, code: str, options: dict[str, str], runtime: str | None
) -> None:
    assert runner_name_for(snippet(language, code, **options)) == runtime
    found = registry.runner_for(snippet(language, code, **options), default_runners_dir())
    assert (found.name if found else None) == runtime


def test_runtime_for_fence_and_by_name() -> None:
    assert [getattr(runtime_for_fence(w, k), "name", None) for w, k in
            [("javascript", "worker"), ("javascript", "script"), ("javascript", None), ("bash", None),
             ("python", "fragment"), ("yaml", None)]] == ["worker", "node", "node", "shell", None, None]
    assert runtime_named("shell").base_image.kind == "debian"
    with pytest.raises(HarnessError, match="no runtime named 'go'"):
        runtime_named("go")


TOY_PAGE = """# Ruby

```ruby
puts "{ACCOUNT_ID}"
```

```rb
greet(name)
```
"""


def test_a_runtime_registered_by_entry_point_alone_is_extracted_and_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert language_of("ruby").skip_reason == "not runnable: ruby"
    install(tmp_path, monkeypatch, "harness.runtimes", "rb = toy_rb:RB")
    registry.reload()
    assert registry.runtime_names()[-1] == "rb" and language_of("ruby").name == "rb"
    found = extract_text(TOY_PAGE, "page.md", HUGO)
    script, fragment = found.snippets
    assert (script.language, script.options["kind"], script.skip_reason) == ("rb", "script", None)
    assert script.code == 'puts "023e105f4ecef8ad9ca31a8372d0c353"\n'  # a placeholder in a string is replaced
    assert (fragment.options["kind"], fragment.skip_reason) == ("fragment", "fragment: prints nothing")
    assert runner_name_for(script) == "rb" and runner_name_for(fragment) is None
    runner = runners(tmp_path)["rb"]
    assert runner.available() == f"no runner folder {tmp_path / 'rb'}"
    assert registry.base_images()["ruby"].public == "ruby:3.3-slim"


@pytest.mark.parametrize(
    ("entry_point", "message"),
    [
        ("gone = no_such_module:RT", r"runtime plugin 'gone' \(no_such_module:RT\) fails to load: No module named"),
        ("text = toy_rb:__doc__", r"runtime plugin 'text' \(toy_rb:__doc__\) is not a Runtime but str"),
        ("again = harness.runtimes.shell:SHELL", r"'again' .*: a runtime named 'shell' is already registered"),
        ("snake = toy_rb:SNAKE", r"'snake' .*: fence word 'python' already names language 'py'"),
    ],
)
def test_a_bad_plugin_fails_at_load_naming_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry_point: str, message: str
) -> None:
    install(tmp_path, monkeypatch, "harness.runtimes", entry_point)
    with pytest.raises(RuntimePluginError, match=message):
        registry.runtimes()
