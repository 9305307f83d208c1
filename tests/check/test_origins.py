"""Reaching a simulated origin is never a failure by itself; the hosts a snippet reached are listed."""

from __future__ import annotations

import dataclasses

from harness.check.registry import check_snippet
from harness.model import Page, RecordedRequest, Severity

from .conftest import make_evidence, make_request, make_snippet

OK_BODY = {"prompt": "hi"}


def origin(url: str, status: int = 200) -> RecordedRequest:
    path = "/" + url.split("/", 3)[3] if url.count("/") > 2 else "/"
    return dataclasses.replace(make_request(None, via="origin", status=status, model=None, headers=()),
                               method="GET", url=url, path=path)


def test_origin_requests_are_listed_as_info_whatever_they_were_answered(page: Page) -> None:
    snippet = make_snippet("import requests\nrequests.get('https://jsonplaceholder.typicode.com/todos/1')\n")
    evidence = make_evidence(snippet, make_request(OK_BODY), origin("https://jsonplaceholder.typicode.com/todos/1"),
                             origin("https://example.com:8443/missing", status=404),
                             origin("https://jsonplaceholder.typicode.com/posts"))
    found = check_snippet(page, evidence)

    assert [(f.rule, f.severity) for f in found] == [("REQ007", Severity.INFO)]
    assert found[0].details["hosts"] == ["jsonplaceholder.typicode.com", "example.com:8443"]
    assert found[0].details["requests"] == 3
    assert found[0].line == 21 and found[0].message.startswith("docs/model.md:21 [python] reached simulated origins")


def test_no_origin_no_listing(page: Page) -> None:
    assert check_snippet(page, make_evidence(None, make_request(OK_BODY))) == []


def test_reaching_only_an_origin_is_not_calling_the_documented_api(page: Page) -> None:
    found = check_snippet(page, make_evidence(None, origin("https://example.com/")))
    assert [f.rule for f in found] == ["REQ001", "REQ007"]
