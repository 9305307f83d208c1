"""`harness mock` fuzzed by schemathesis against the Cloudflare REST contract `make contract` built: no
server error, no crash, every 200 answer fits the operation's whole answer schema (the envelope around
its result), every other answer the failure envelope. No operation is exempt.

The suite fuzzes every `HARNESS_FUZZ_CLOUDFLARE_EVERY`-th operation (default 40, about 65 of them) with
`HARNESS_FUZZ_CLOUDFLARE_EXAMPLES` cases each (default 4, the same each time); `make fuzz` every operation.
(tests/contract/test_every_operation.py sends one fitting request to every operation in-process.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from .contract import cloudflare_document
from .test_fuzz_mock import CRASH, MockProcess, fuzz_operation

EVERY = int(os.environ.get("HARNESS_FUZZ_CLOUDFLARE_EVERY", "40"))
EXAMPLES = int(os.environ.get("HARNESS_FUZZ_CLOUDFLARE_EXAMPLES", "4"))
CONTRACT = schemathesis.openapi.from_dict(cloudflare_document(every=EVERY))
OPERATIONS: dict[str, Any] = {result.ok().label: result.ok() for result in CONTRACT.get_all_operations()}


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockProcess]:
    served = MockProcess(tmp_path_factory.mktemp("fuzz-cloudflare"))
    yield served
    served.stop()


def test_the_round_covers_the_contract() -> None:
    assert len(OPERATIONS) >= 2000 // EVERY


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_cloudflare_answer_fits_the_contract(label: str, mock: MockProcess) -> None:
    fuzz_operation(OPERATIONS[label], mock, EXAMPLES)


def test_the_mock_survived_the_cloudflare_round(mock: MockProcess) -> None:
    assert mock.process.poll() is None, "the mock died during the fuzz round"
    assert mock.stop() == 0
    stderr = mock.stderr_path.read_text()
    assert CRASH.findall(stderr) == [], stderr[-3000:]
