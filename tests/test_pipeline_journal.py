"""A run takes each finished snippet's entries from its mock, and keeps what the reports need."""

from __future__ import annotations

import json
from pathlib import Path

from harness.mock.journal import Journal
from harness.model import RecordedRequest
from harness.pipeline import RunOptions, execute, plan
from harness.report import json_report
from harness.run.local.executor import LocalExecutor

URL = "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct"
OPTIONS = RunOptions(jobs=2, typecheck=False, retries=1)


def curl(prompt: str, then: str = "") -> str:
    body = json.dumps({"prompt": prompt})
    return (f"```sh\ncurl {URL} \\\n  -H \"Authorization: Bearer {{API_TOKEN}}\" \\\n"
            f"  -H \"Content-Type: application/json\" \\\n  -d '{body}'{then}\n```\n")


def test_the_mock_holds_no_entries_of_finished_snippets(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# curl\n\n" + curl("first") + "\n" + curl("second") + "\n" + curl("fails", "; exit 3"))
    the_plan = plan([str(page)])

    with LocalExecutor(OPTIONS.runners_dir) as executor:
        run = execute(the_plan, executor, OPTIONS)
        left = executor.mock.journal.all()

    assert left == ()
    assert [r.snippet.line for r in run.results] == sorted(r.snippet.line for r in run.results)
    for prompt, result in zip(("first", "second", "fails"), run.results, strict=True):
        assert result.evidence is not None
        [request] = result.evidence.requests  # its own; for the retried one, the first attempt's
        assert (request.snippet_id, request.json) == (result.snippet.id, {"prompt": prompt})
        assert request.body == b"" and request.size == len(json.dumps({"prompt": prompt}))
    assert [r.attempts for r in run.results] == [1, 1, 2]
    snippet = json_report.to_dict(run)["snippets"][0]
    assert snippet["requests"][0]["body_bytes"] == len(json.dumps({"prompt": "first"}))


def test_the_journal_of_harness_mock_keeps_what_is_only_read() -> None:
    """Reading a snippet's entries (what `harness mock` serves) forgets nothing; taking them does."""
    journal = Journal()
    entry = journal.record(RecordedRequest("p.md::g1::sh", "rest", "POST", "u", "/", (), b"{}"))

    assert journal.for_snippet("p.md::g1::sh") == (entry,) and journal.all() == (entry,)
    assert journal.take("p.md::g1::sh") == (entry,) and journal.all() == ()
