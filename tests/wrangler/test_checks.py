"""What the checks say of a wrangler block: its own error line, and no fault for a 404 it probed and went past."""

from __future__ import annotations

from harness.check.base import SnippetContext
from harness.check.contract import check_contract
from harness.check.execution import error_line
from harness.model import Evidence, Page, RecordedRequest, Snippet

WRANGLER_STDERR = ("\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m "
                   "\x1b[1mUnknown arguments: exeucte\x1b[0m\n\n"
                   "  If you think this is a bug, please open an issue\n\n"
                   "🪵  Logs were written to \"/work/.config/.wrangler/logs/wrangler.log\"\n")


def test_a_wrangler_failure_is_quoted_by_its_error_line_not_its_log_footer() -> None:
    assert error_line(WRANGLER_STDERR) == "✘ [ERROR] Unknown arguments: exeucte"
    assert error_line("✘ [ERROR] Build failed with 1 error:\n\n  ✘ [ERROR] Expected identifier but found \":\"\n") \
        == "✘ [ERROR] Build failed with 1 error: ✘ [ERROR] Expected identifier but found \":\""
    assert error_line("Traceback ...\nValueError: bad\n") == "ValueError: bad"  # others keep their last line


def test_a_node_error_is_quoted_by_its_name_not_by_the_fields_node_prints_after_it() -> None:
    stderr = ("file:///x/error.mjs:50\n    return new NotFoundError(status);\n           ^\n\n"
              "NotFoundError: 404 status code (no body)\n    at APIError.generate (file:///x/error.mjs:50:20)\n"
              "    at async file:///w/snippet.mjs:8:18 {\n  status: 404,\n  headers: Headers {},\n"
              "  error: undefined\n}\n\nNode.js v20.20.2\n")
    assert error_line(stderr) == "NotFoundError: 404 status code (no body)"
    assert error_line("printing a dict\n{\n  'a': 1\n}\n") == "}"  # no error named: the last line stands


def test_a_curl_error_that_goes_on_under_it_is_quoted_whole() -> None:
    stderr = "curl: (3) nested brace in URL position 20:\nhttps://x.example/{{id}}/y\n                   ^\n"
    assert error_line(stderr) == "curl: (3) nested brace in URL position 20: https://x.example/{{id}}/y"


def _context(kind: str, exit_code: int) -> SnippetContext:
    snippet = Snippet(id="p.md::g1::1", page="p.md", group="g1", label=None, language="sh",
                      code="npx wrangler deploy\n", line=3, options={"kind": kind})
    probe = RecordedRequest(method="GET", url="https://api.cloudflare.com/client/v4/accounts/a/workers/services/w",
                            path="/client/v4/accounts/a/workers/services/w", headers=(), body=b"",
                            snippet_id=snippet.id, via="cloudflare-api", status=404,
                            error="This Worker does not exist on your account.")
    evidence = Evidence(snippet=snippet, runner="wrangler", exit_code=exit_code, stdout="", stderr="", duration_s=1.0,
                        requests=(probe,))
    return SnippetContext(page=Page("p.md", {}, ""), evidence=evidence)


def test_a_404_wrangler_probed_before_creating_is_no_finding_when_it_went_on() -> None:
    assert list(check_contract(_context("wrangler", 0))) == []
    failed = list(check_contract(_context("wrangler", 1)))  # wrangler gave up: the 404 is the fault
    assert [f.rule for f in failed] == ["API005"]
    assert [f.rule for f in check_contract(_context("shell", 0))] == ["API005"]  # curl to a missing Worker
