"""Masking: the values put in for placeholders (tokens, account ids) never appear in a report.

Each value is shown as the placeholder it replaced (`Bearer {API_TOKEN}`), as the page writes it;
so are the values made from a placeholder's name (`{zone_id}`), which each snippet lists, on the page
of that snippet.
The run is masked once, before any report is written, so no report format can forget to.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.generated_values import GENERATED_OPTION
from harness.model import Evidence, Finding, RecordedRequest, RunResult, Snippet, SnippetResult
from harness.spool import Mapped, Spool


class Masker:
    """Replaces each secret value with its placeholder name; longest values first."""

    def __init__(self, placeholders: Mapping[str, str]) -> None:
        self._placeholders = dict(placeholders)
        by_value: dict[str, str] = {}
        for name, value in placeholders.items():
            if len(value) >= 4:
                by_value.setdefault(value, name)
        self._pairs = sorted(by_value.items(), key=lambda pair: -len(pair[0]))
        self._encoded = tuple(value.encode("utf-8", errors="surrogateescape") for value, _ in self._pairs)

    def text(self, text: str) -> str:
        for value, name in self._pairs:
            text = text.replace(value, name)
        return text

    def data(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.data(v) for k, v in value.items()}
        return value

    def _bytes(self, raw: bytes) -> bytes:
        """`raw` masked; the same bytes, not a copy, when no value is in them (most bodies)."""
        if not any(value in raw for value in self._encoded):
            return raw
        return self.text(raw.decode("utf-8", errors="surrogateescape")).encode("utf-8", errors="surrogateescape")

    def request(self, r: RecordedRequest) -> RecordedRequest:
        return replace(r, url=self.text(r.url), path=self.text(r.path), body=self._bytes(r.body), body_size=r.size,
                       headers=tuple((k, self.text(v)) for k, v in r.headers), json=self.data(r.json),
                       error=self.text(r.error) if r.error else r.error)

    def snippet(self, s: Snippet) -> Snippet:
        return replace(s, code=self.text(s.code), source=self.text(s.source), info=self.text(s.info),
                       options={name: self.text(value) for name, value in s.options.items()},
                       skip_reason=self.text(s.skip_reason) if s.skip_reason else s.skip_reason)

    def finding(self, f: Finding) -> Finding:
        return replace(f, message=self.text(f.message), details=self.data(dict(f.details)))

    def evidence(self, ev: Evidence) -> Evidence:
        response = ev.response and replace(ev.response, body=self._bytes(ev.response.body))
        return replace(ev, snippet=self.snippet(ev.snippet), stdout=self.text(ev.stdout), stderr=self.text(ev.stderr),
                       requests=tuple(self.request(r) for r in ev.requests), response=response)

    def result(self, r: SnippetResult) -> SnippetResult:
        return replace(r, snippet=self.snippet(r.snippet), evidence=r.evidence and self.evidence(r.evidence),
                       findings=tuple(self.finding(f) for f in r.findings), reason=self.text(r.reason))

    def with_generated(self, snippets: Iterable[Snippet]) -> Masker:
        """This masker, also hiding the values snippets got from their placeholders' names
        (option `generated`: `{"{zone_id}": "0622...", "$ZONE_ID": "0622..."}`)."""
        extra: dict[str, str] = {}
        for snippet in snippets:
            found = json.loads(snippet.options.get(GENERATED_OPTION, "{}"))
            extra.update({str(name): str(value) for name, value in found.items()} if isinstance(found, dict) else {})
        return Masker({**extra, **self._placeholders}) if extra else self

    def run(self, run: RunResult) -> RunResult:
        """`run` masked: each page's results and findings with the values its own snippets were given (a
        value one page's placeholder got, a model id say, is left alone on another page that names it)."""
        pages: dict[str, list[Snippet]] = {}
        for r in run.results:
            pages.setdefault(r.snippet.page, []).append(r.snippet)
        maskers = {page: self.with_generated(snippets) for page, snippets in pages.items()}

        def result(r: SnippetResult) -> SnippetResult:
            return maskers.get(r.snippet.page, self).result(r)

        results: Sequence[SnippetResult]
        if isinstance(run.results, Spool):  # masked once, to a spool of its own: the reports read it many times
            results = Spool(SnippetResult, "masked", Mapped(run.results, result))
        else:
            results = tuple(result(r) for r in run.results)
        return replace(run, results=results,
                       page_findings=tuple(maskers.get(f.page, self).finding(f) for f in run.page_findings))
