"""Which blocks run together: sessions from the extraction's plans, notebook cells, setup, teardown, off."""

from __future__ import annotations

from pathlib import Path

from harness.pipeline import plan

NOTEBOOK = """\
# Notebook

```python
!pip --version
```

```python
import os
token = os.environ.get("TOKEN", "x")
```

```python
print(token)
```

```python
%env
```

```python
print(len(token))
```

```python
print("standalone")
```
"""


def _page(tmp_path: Path, text: str, name: str = "page.md") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_linked_blocks_and_the_notebook_cells_around_them_form_one_session(tmp_path: Path) -> None:
    the_plan = plan([_page(tmp_path, NOTEBOOK)])
    [session] = the_plan.sessions
    assert session.runner == "python"
    assert session.lines == (4, 8, 13, 17, 21)  # the `!` cell before, the `%` cell inside
    assert [job.snippet.line for job in the_plan.jobs] == [25]  # unrelated: still runs alone
    assert the_plan.skipped == ()


def test_setup_goes_first_and_teardown_joins(tmp_path: Path) -> None:
    text = NOTEBOOK.replace("```python\nprint(\"standalone\")", "<!-- harness: session=teardown -->\n```python\n"
                            "print(\"standalone\")") + "\n<!-- harness: session=setup -->\n```python\nprint(1)\n```\n"
    [session] = plan([_page(tmp_path, text)]).sessions
    assert [(b.snippet.line, b.role) for b in session.blocks] == [
        (31, "setup"), (4, "cell"), (8, "cell"), (13, "cell"), (17, "cell"), (21, "cell"), (26, "teardown")]


def test_a_page_or_a_block_can_opt_out(tmp_path: Path) -> None:
    off_page = plan([_page(tmp_path, "---\nharness:\n  session: off\n---\n" + NOTEBOOK)])
    assert off_page.sessions == ()
    reasons = {r.snippet.line: r.reason for r in off_page.skipped}
    assert reasons[17] == ("fragment: continues line 12 (uses `token`, defined there); "
                           "page sessions are off here (`session=off`)")
    assert reasons[8].startswith("not runnable: notebook cell")
    off_block = plan([_page(tmp_path, NOTEBOOK.replace("```python\nprint(token)",
                                                       "<!-- harness: session=off -->\n```python\nprint(token)"))])
    [session] = off_block.sessions
    assert 14 not in session.lines and {r.snippet.line for r in off_block.skipped} == {14}


NUMPY = ('not runnable: needs Python package `numpy`, not installed '
         '(add it to packages.pypi in [tool.harness], pinned: "name==1.2.3")')


def test_a_block_that_cannot_run_even_in_a_session_keeps_its_reason(tmp_path: Path) -> None:
    text = ("```python\nprint('first')\nlabel = 'rows'\n```\n\n```python\nimport numpy\nrows = numpy.ones(3)\n```\n\n"
            "```python\nprint(label, rows)\n```\n\n<!-- harness: session=teardown -->\n```python\nprint(label)\n```\n")
    the_plan = plan([_page(tmp_path, text)])
    [session] = the_plan.sessions
    assert [(b.snippet.line, b.role) for b in session.blocks] == [(2, "cell"), (17, "teardown")]
    assert {r.snippet.line: r.reason for r in the_plan.skipped} == {
        7: NUMPY,
        12: f"not run: depends on line 7, which is not run ({NUMPY})"}
    first_blocked = plan([_page(tmp_path, text.split("\n\n", 1)[1], "second.md")])
    assert first_blocked.sessions == () and len(first_blocked.skipped) == 3


def test_shell_blocks_that_share_variables_form_a_session(tmp_path: Path) -> None:
    text = "```sh\nname=world\necho set\n```\n\n```sh\necho \"hello $name\"\n```\n"
    [session] = plan([_page(tmp_path, text)]).sessions
    assert (session.runner, session.lines) == ("shell", (2, 7))


def test_without_sessions_the_plan_is_as_before(tmp_path: Path) -> None:
    the_plan = plan([_page(tmp_path, NOTEBOOK)], sessions=False)
    assert the_plan.sessions == ()
    assert {r.snippet.line for r in the_plan.skipped} == {4, 13, 17, 21}


def test_setup_joins_two_sessions_of_a_page_into_one(tmp_path: Path) -> None:
    text = ("<!-- harness: session=setup -->\n```python\nimport os\n```\n\n"
            "```python\na = 1\nprint(a)\n```\n\n```python\nprint(a)\n```\n\n"
            "```python\nb = 2\nprint(b)\n```\n\n```python\nprint(b)\n```\n")
    the_plan = plan([_page(tmp_path, text)])
    [session] = the_plan.sessions
    assert session.lines == (3, 7, 12, 16, 21)
    assert the_plan.jobs == () and the_plan.skipped == ()
    without = plan([_page(tmp_path, text.replace("<!-- harness: session=setup -->\n", ""), "two.md")])
    assert [s.lines for s in without.sessions] == [(6, 11), (15, 20)]
