"""Every operation of the Cloudflare API contract answers a request that fits its schemas with an answer
that fits its own (200, or 404 for an id a collection of this run does not hold): no crash, no 5xx, no
4xx for a fitting request, no answer outside its schema. No operation is exempt."""

from __future__ import annotations

from collections import Counter

from harness.mock.services.cloudflare_api.contract import load_contract

from .every_operation import app_client, exchanges


def test_every_answer_fits_its_schema() -> None:
    tally: Counter[int] = Counter()
    problems = []
    for _, status, problem in exchanges(app_client(), load_contract()):
        tally[status] += 1
        if problem is not None:
            problems.append(str(problem))
    assert problems == [], f"{len(problems)} of {sum(tally.values())} operations:\n" + "\n".join(problems[:40])
    assert tally[200] > 1800, tally  # most answered as fitting requests are: 404 only for ids never created
