"""Which hosts outside the modelled APIs did a snippet reach? Reaching a simulated origin is never a
failure by itself; the report lists the hosts, so a reader sees what the sample depends on."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from harness.check.base import Rule, SnippetContext, finding, page_line_of
from harness.model import Finding, Severity

ORIGIN_HOSTS = Rule("REQ007", "origin-hosts", Severity.INFO,
                    "The snippet reached hosts the harness simulated (no real network): what the sample depends on.")

ORIGIN_VIA = "origin"
"""The journal's `via` of a request answered by the simulated origin (`harness.mock.services.origin`)."""


def origin_hosts(ctx: SnippetContext) -> tuple[str, ...]:
    """The hosts (with a port other than the scheme's default) a snippet's requests reached, in order."""
    hosts = (urlsplit(r.url).netloc for r in ctx.evidence.requests if r.via == ORIGIN_VIA)
    return tuple(dict.fromkeys(h for h in hosts if h))


def check_origins(ctx: SnippetContext) -> Iterator[Finding]:
    hosts = origin_hosts(ctx)
    if hosts:
        count = sum(1 for r in ctx.evidence.requests if r.via == ORIGIN_VIA)
        yield finding(ORIGIN_HOSTS, ctx.snippet,
                      f"reached simulated origin{'s' if len(hosts) > 1 else ''} {', '.join(hosts)} "
                      f"({count} request{'s' if count > 1 else ''}, answered by the harness, no real network)",
                      line=page_line_of(ctx.snippet, hosts[0].split(":")[0]), hosts=list(hosts), requests=count)
