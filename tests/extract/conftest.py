"""Shared fixtures for the extraction tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.extract import extract_page
from harness.model import Extraction

from .support import PAGES


@pytest.fixture
def fixture_page() -> Callable[[str], Extraction]:
    """Extract `fixtures/pages/<name>` with its display path as `harness run fixtures/pages` shows it."""

    def extract(name: str) -> Extraction:
        return extract_page(PAGES / name, f"fixtures/pages/{name}")

    return extract
