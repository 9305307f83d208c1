"""The JSON report is lossless: `load_run(dump_run(run)) == run` for any run the pipeline can make
(request bodies are let go before the reports, so a request carries its size and no bytes)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.model import (
    Evidence,
    Finding,
    HttpResponse,
    RecordedRequest,
    RunResult,
    Severity,
    Snippet,
    SnippetResult,
    Status,
)
from harness.report.json_report import dump_run, load_run

text = st.text(max_size=12)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | text,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                           max_leaves=6)
headers = st.lists(st.tuples(st.sampled_from(["a", "B", "content-type"]), text), max_size=3).map(tuple)
durations = st.floats(min_value=0, max_value=1e4, allow_nan=False)


def snippets() -> st.SearchStrategy[Snippet]:
    return st.builds(Snippet, id=text.map(lambda t: "p.md::g1::" + t), page=st.just("p.md"), group=text,
                     label=st.none() | text, language=text, code=text, line=st.integers(0, 999), info=text,
                     source=text, fence_line=st.integers(0, 999), skip_reason=st.none() | text,
                     expected_output=st.none() | text, options=st.dictionaries(text, text, max_size=2))


def findings(snippet_id: str | None) -> st.SearchStrategy[Finding]:
    return st.builds(Finding, rule=text, name=text, severity=st.sampled_from(Severity), message=text, page=text,
                     line=st.integers(0, 999), snippet_id=st.just(snippet_id),
                     details=st.dictionaries(text, json_values, max_size=3))


@st.composite
def results(draw: st.DrawFn) -> SnippetResult:
    snippet = draw(snippets())
    requests = st.builds(RecordedRequest, snippet_id=st.none() | st.just(snippet.id), via=text, method=text,
                         url=text, path=text, headers=headers, body=st.just(b""), json=json_values,
                         model=st.none() | text, status=st.integers(0, 599), response_content_type=text,
                         error=st.none() | text, seq=st.integers(0, 99), body_size=st.integers(0, 10**6))
    responses = st.builds(HttpResponse, status=st.integers(100, 599), headers=headers, body=st.binary(max_size=8))
    evidence = st.none() | st.builds(
        Evidence, snippet=st.just(snippet), runner=text.filter(bool), exit_code=st.none() | st.integers(-9, 255),
        stdout=text, stderr=text, duration_s=durations, requests=st.lists(requests, max_size=2).map(tuple),
        response=st.none() | responses, timed_out=st.booleans(), infra_error=st.none() | text, executor=text,
        output_truncated=st.booleans())
    return draw(st.builds(SnippetResult, snippet=st.just(snippet), status=st.sampled_from(Status), evidence=evidence,
                          findings=st.lists(findings(snippet.id), max_size=2).map(tuple), reason=text,
                          attempts=st.integers(1, 4), flaky=st.booleans(), cached=st.booleans()))


runs = st.builds(RunResult, results=st.lists(results(), max_size=3).map(tuple),
                 page_findings=st.lists(findings(None), max_size=2).map(tuple),
                 pages=st.lists(text, max_size=2).map(tuple), duration_s=durations, executor=text,
                 jobs=st.integers(1, 8))


@settings(max_examples=150, deadline=None)
@given(runs)
def test_a_run_read_back_from_its_json_report_is_the_same_run(run: RunResult) -> None:
    assert load_run(json.loads(json.dumps(dump_run(run)))) == run


def test_fields_older_readers_dropped_are_kept() -> None:
    snippet = Snippet(id="p.md::g1::py", page="p.md", group="g1", label="py", language="py", code="x", line=3,
                      fence_line=2, options={"timeout": "5"})
    evidence = Evidence(snippet=snippet, runner="python", exit_code=None, stdout="", stderr="", duration_s=0.5,
                        infra_error="the mock died", executor="docker")
    run = RunResult((SnippetResult(snippet, Status.ERROR, evidence, (), reason="the mock died"),), (), ("p.md",), 1.0)
    [read] = load_run(dump_run(run)).results
    assert read.snippet.options == {"timeout": "5"} and read.snippet.fence_line == 2
    assert read.evidence is not None and read.evidence.infra_error == "the mock died"
    assert read.evidence.executor == "docker"
