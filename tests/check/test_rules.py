"""Each rule on the smallest evidence that should, and should not, trigger it."""

from __future__ import annotations

from harness.check.registry import ALL_RULES, check_snippet
from harness.model import Evidence, Finding, HttpResponse, Page, Severity, Snippet

from .conftest import make_evidence, make_request, make_snippet

OK_BODY = {"prompt": "hello"}


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_clean_snippet_has_no_findings(page: Page) -> None:
    assert check_snippet(page, make_evidence(None, make_request(OK_BODY))) == []


def test_nonzero_exit_is_an_error_quoting_stderr(page: Page) -> None:
    ev = make_evidence(None, make_request(OK_BODY), exit_code=1, stderr="Traceback\nKeyError: 'result'\n")
    [found] = check_snippet(page, ev)
    assert (found.rule, found.severity) == ("RUN001", Severity.ERROR)
    assert found.message == "docs/model.md:20 [python] exited with status 1: KeyError: 'result'"


def test_a_shell_error_names_the_page_line_not_the_work_folder(page: Page) -> None:
    code = "npx wrangler ai finetune list\n\u250c\u2500\u2500\u2510\n"
    block = make_snippet(code, language="sh", label="sh", line=70)
    header = Snippet(id=block.id, page=block.page, group="g1", label="sh", language="sh", code=code, line=70,
                     source="---\nheader: wrangler CLI\n---\n" + code)  # Snippet.line counts a fence header
    said = "/tmp/harness-run-1/harness-wrangler-2/snippet.sh: line 2: \u250c\u2500\u2500\u2510: command not found\n"
    [plain] = [f for f in check_snippet(page, make_evidence(block, exit_code=127, stderr=said)) if f.rule == "RUN001"]
    assert (plain.line, plain.message) == (71, "docs/model.md:71 [sh] exited with status 127: line 71: "
                                           "\u250c\u2500\u2500\u2510: command not found")
    [headed] = [f for f in check_snippet(page, make_evidence(header, exit_code=127, stderr=said))
                if f.rule == "RUN001"]
    assert headed.line == 74 and "/tmp/" not in headed.message
    valued = Snippet(id=block.id, page=block.page, group="g1", label="sh", language="sh", code=code, line=70,
                     source="---\nheader: wrangler CLI\n---\n" + code.replace("list", "<VERB>"))  # a placeholder
    [filled] = [f for f in check_snippet(page, make_evidence(valued, exit_code=127, stderr=said)) if f.rule == "RUN001"]
    assert filled.line == 74
    split = Snippet(id=block.id, page=block.page, group="g1", label="sh", language="sh", code=code, line=70,
                    source="$ npx wrangler ai finetune list\nok\n$ \u250c\u2500\u2500\u2510\n")  # output left out
    [unmapped] = [f for f in check_snippet(page, make_evidence(split, exit_code=127, stderr=said))
                  if f.rule == "RUN001"]
    assert "exited with status 127: line 2 of the block: " in unmapped.message and "/tmp/" not in unmapped.message


def test_timeout_is_reported_instead_of_exit_status(page: Page) -> None:
    ev = make_evidence(None, exit_code=None, timed_out=True)
    assert rules_of(check_snippet(page, ev)) == ["RUN002"]


def test_no_request_is_an_error(page: Page) -> None:
    found = check_snippet(page, make_evidence())
    assert rules_of(found) == ["REQ001"]
    assert "sent no request" in found[0].message


def test_error_answer_even_when_exit_zero(page: Page) -> None:
    ev = make_evidence(None, make_request(OK_BODY, status=400, error="No such model x or task"))
    [found] = check_snippet(page, ev)
    assert found.rule == "REQ002" and "400" in found.message and "No such model" in found.message


def test_wrong_model_points_at_the_line_that_names_it(page: Page) -> None:
    code = "import requests\n\nrequests.post(URL + '@cf/meta/llama-2-7b-chat-int8', json=x)\n"
    snippet = make_snippet(code, line=30)
    ev = make_evidence(snippet, make_request(OK_BODY, model="@cf/meta/llama-2-7b-chat-int8"))
    [found] = check_snippet(page, ev)
    assert found.rule == "REQ003" and found.severity is Severity.ERROR
    assert found.line == 32
    assert found.details["expected"] == "@cf/mistral/mistral-7b-instruct-v0.1"
    assert "documents @cf/mistral/mistral-7b-instruct-v0.1 (line 4)" in found.message


def test_documented_model_without_at_sign_matches(page: Page) -> None:
    assert check_snippet(page, make_evidence(None, make_request(OK_BODY))) == []


def test_undocumented_params_one_warning_per_key(page: Page) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": True, "raw": True}
    found = check_snippet(page, make_evidence(None, make_request(body), make_request(body)))
    assert [(f.rule, f.details["key"]) for f in found] == [("REQ004", "messages"), ("REQ004", "stream")]
    assert all(f.severity is Severity.WARNING for f in found)


def test_binding_inputs_are_checked_like_rest_bodies(page: Page) -> None:
    found = check_snippet(page, make_evidence(None, make_request({"messages": []}, via="binding", headers=())))
    assert [f.details["key"] for f in found] == ["messages"]


def test_page_without_params_or_model_checks_neither() -> None:
    bare = Page(path="docs/model.md", front_matter={}, front_matter_text="")
    ev = make_evidence(None, make_request({"anything": 1}, model="@cf/x/y"))
    assert check_snippet(bare, ev) == []


def test_json_without_json_content_type(page: Page) -> None:
    code = "curl https://x \\\n  -H 'Authorization: Bearer t' \\\n  -d '{\"prompt\": \"hi\"}'\n"
    snippet = make_snippet(code, language="sh", label="curl", line=10)
    request = make_request(OK_BODY, headers=(("content-type", "application/x-www-form-urlencoded"),))
    [found] = check_snippet(page, make_evidence(snippet, request))
    assert found.rule == "REQ005" and found.line == 12
    assert found.details["actual"] == "application/x-www-form-urlencoded"


def test_json_content_type_with_charset_is_fine(page: Page) -> None:
    request = make_request(OK_BODY, headers=(("Content-Type", "application/json; charset=utf-8"),))
    assert check_snippet(page, make_evidence(None, request)) == []


def test_blocked_host_is_no_mock_for_endpoint(page: Page) -> None:
    blocked = make_request(None, via="blocked", status=403, model=None)
    blocked = blocked.__class__(**{**blocked.__dict__, "url": "example.com:443", "method": "CONNECT"})
    found = check_snippet(page, make_evidence(None, blocked))
    assert rules_of(found) == ["REQ006"] and "example.com:443" in found[0].message


def test_a_path_the_simulated_service_routes_nowhere_says_its_answer(page: Page) -> None:
    lost = make_request(None, status=404, model=None, error="Could not route to /ai/v1/chat/completions/x")
    found = check_snippet(page, make_evidence(None, lost))
    assert rules_of(found) == ["REQ006"]
    said = found[0].message.split("] ", 1)[1]
    assert said == ("no such endpoint: POST /client/v4/accounts/a/ai/run/None was answered 404 (Could not route to "
                    "/ai/v1/chat/completions/x); a wrong URL, or an endpoint the harness's model of this API lacks")


def sse(*events: str) -> bytes:
    return "".join(f"data: {e}\n\n" for e in events).encode()


def stream_evidence(body: bytes, content_type: str = "text/event-stream") -> Evidence:
    snippet = make_snippet("const s = await ai.run(m, { messages, stream: true });\n", "ts", "streaming")
    request = make_request({"prompt": "x", "stream": True}, via="binding", headers=())
    response = HttpResponse(200, (("content-type", content_type),), body)
    return make_evidence(snippet, request, response=response)


def test_well_formed_stream_passes(page: Page) -> None:
    ev = stream_evidence(sse('{"response":"a"}', '{"response":"b"}', "[DONE]"))
    assert rules_of(check_snippet(page, ev)) == ["REQ004"]  # only `stream`, undocumented on this page


def test_stream_without_done_fails(page: Page) -> None:
    ev = stream_evidence(sse('{"response":"a"}'))
    [found] = [f for f in check_snippet(page, ev) if f.rule != "REQ004"]
    assert found.rule == "RESP001" and "not [DONE]" in found.message


def test_stream_answered_as_json_fails(page: Page) -> None:
    ev = stream_evidence(b'{"response":"a"}', content_type="application/json")
    [found] = [f for f in check_snippet(page, ev) if f.rule != "REQ004"]
    assert "expected text/event-stream" in found.message


def test_worker_crash_is_an_error(page: Page) -> None:
    response = HttpResponse(500, (("content-type", "text/plain"),), b"Error: boom")
    ev = make_evidence(None, make_request(OK_BODY), response=response)
    assert rules_of(check_snippet(page, ev)) == ["RUN003"]


def test_worker_crash_names_the_request_the_worker_was_given(page: Page) -> None:
    code = 'export default { async fetch(request) {\n  const { question } = await request.json();\n} };\n'
    response = HttpResponse(500, (("content-type", "text/plain"),), b"Error: boom")
    ev = make_evidence(make_snippet(code, "js", "worker"), make_request(OK_BODY), response=response)
    [crash] = [f for f in check_snippet(page, ev) if f.rule == "RUN003"]
    assert "answered 500 to POST /: Error: boom" in crash.message


def test_worker_crash_leaves_out_the_simulators_own_stack_frames(page: Page) -> None:
    body = (b"ReferenceError: request is not defined at async Object.fetch "
            b"(file:///opt/runners/worker/node_modules/miniflare/dist/src/workers/core/entry.worker.js:4661:22)")
    ev = make_evidence(None, make_request(OK_BODY), response=HttpResponse(500, (), body))
    [crash] = [f for f in check_snippet(page, ev) if f.rule == "RUN003"]
    assert crash.message.endswith("to GET /: ReferenceError: request is not defined")


def test_truncated_output_is_a_warning(page: Page) -> None:
    found = check_snippet(page, make_evidence(None, make_request(OK_BODY), truncated=True))
    assert [(f.rule, f.severity) for f in found] == [("RUN004", Severity.WARNING)]


def test_rule_codes_are_unique_and_described() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(rule.rationale and rule.name for rule in ALL_RULES)


def test_no_request_is_not_expected_of_code_that_never_names_the_api() -> None:
    bare = Page(path="docs/redirect.md", front_matter={}, front_matter_text="")
    redirect = make_snippet("export default { fetch: () => Response.redirect('https://x.dev', 301) };\n", "js")
    assert check_snippet(bare, make_evidence(redirect, stdout="")) == []
    caller = make_snippet("const answer = await env.AI.run('@cf/x', {});\n", "js")
    assert rules_of(check_snippet(bare, make_evidence(caller))) == ["REQ001"]


def test_exit_message_quotes_the_error_not_node_s_banner(page: Page) -> None:
    stderr = ("file:///w/snippet.mjs:3\n  throw new Error('boom')\n  ^\n\nError: boom\n"
              "    at file:///w/snippet.mjs:3:9\n    at ModuleJob.run (node:internal)\n\nNode.js v20.20.2\n")
    [found] = check_snippet(page, make_evidence(None, make_request(OK_BODY), exit_code=1, stderr=stderr))
    assert found.message.endswith("exited with status 1: Error: boom")
