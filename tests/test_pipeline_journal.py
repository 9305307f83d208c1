"""A run takes each finished snippet's entries from its mock, and keeps what the reports need."""

from __future__ import annotations

import json
from pathlib import Path

from harness.mock.journal import Journal
from harness.model import RecordedRequest
from harness.pipeline import RunOptions, TakesRequests, execute, finished_requests, plan
from harness.report import json_report
from harness.run.base import Launch, Outcome, Route, Runner
from harness.run.local import LocalExecutor

URL = "https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/meta/llama-3-8b-instruct"
OPTIONS = RunOptions(jobs=2, typecheck=False, retries=1)


class ReadOnlyExecutor:
    """An executor that runs nothing and can only read the journal a test fills."""

    name = "read-only"
    runners_dir = Path("runners")

    def __init__(self) -> None:
        self.journal = Journal()

    def __enter__(self) -> ReadOnlyExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def route(self, snippet_id: str) -> Route:
        return Route(token=snippet_id, proxy_url="http://127.0.0.1:9", ca_file="", mock_url="http://127.0.0.1:9")

    def execute(self, runner: Runner, launch: Launch, timeout_s: float) -> Outcome:
        return Outcome(0, "", "", 0.0)

    def requests_of(self, snippet_id: str) -> tuple[RecordedRequest, ...]:
        return self.journal.for_snippet(snippet_id)


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


def test_an_executor_that_cannot_take_is_read_and_keeps_its_journal() -> None:
    reads_only = ReadOnlyExecutor()
    entry = reads_only.journal.record(RecordedRequest("p.md::g1::sh", "rest", "POST", "u", "/", (), b"{}"))

    assert not isinstance(reads_only, TakesRequests)
    assert finished_requests(reads_only, "p.md::g1::sh") == (entry,)
    assert reads_only.journal.all() == (entry,)
