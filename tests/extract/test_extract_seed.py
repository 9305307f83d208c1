"""The seed page: a Hugo Workers AI model page with one tab group of five examples."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from harness.extract import TEST_ACCOUNT_ID, TEST_API_TOKEN, extract_page
from harness.model import Extraction

from .support import PAGES, SHARED

PAGE = "fixtures/pages/seed.md"


@pytest.fixture
def seed(fixture_page: Callable[[str], Extraction]) -> Extraction:
    return fixture_page("seed.md")


def test_seed_fixture_is_the_shared_seed() -> None:
    assert (PAGES / "seed.md").read_text() == (SHARED / "seeds" / "000_5da410dbf5ca7cb1.txt").read_text()


def test_five_snippets_in_one_group(seed: Extraction) -> None:
    assert [(s.group, s.label, s.language, s.line) for s in seed.snippets] == [
        ("g1", "streaming", "ts", 47),
        ("g1", "worker", "ts", 81),
        ("g1", "node", "js", 111),
        ("g1", "python", "py", 138),
        ("g1", "curl", "sh", 161),
    ]
    assert seed.diagnostics == ()


def test_ids_fence_lines_and_run_state(seed: Extraction) -> None:
    assert [s.id for s in seed.snippets] == [
        f"{PAGE}::g1::{label}" for label in ("streaming", "worker", "node", "python", "curl")
    ]
    assert [s.fence_line for s in seed.snippets] == [46, 80, 110, 137, 160]
    assert all(s.skip_reason is None and s.page == PAGE for s in seed.snippets)
    assert seed.snippets[0].where == f"{PAGE}:47 [streaming]"


def test_curl_prompt_stripped_and_placeholders_replaced(seed: Extraction) -> None:
    curl = seed.snippets[4]
    assert curl.source.startswith("$ curl https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/")
    assert curl.code.startswith(f"curl https://api.cloudflare.com/client/v4/accounts/{TEST_ACCOUNT_ID}/ai/run/")
    assert "$ " not in curl.code
    assert f"Bearer {TEST_API_TOKEN}" in curl.code
    assert curl.expected_output is None
    assert curl.code.count("\n") == 4


def test_python_tab_lowercase_account_placeholder(seed: Extraction) -> None:
    python = seed.snippets[3]
    assert "{account_id}" in python.source
    assert f"/accounts/{TEST_ACCOUNT_ID}/ai/run/" in python.code
    assert "{account_id}" not in python.code and "{API_TOKEN}" not in python.code


def test_only_placeholders_change(seed: Extraction) -> None:
    node = seed.snippets[2]
    restored = node.code.replace(TEST_ACCOUNT_ID, "{ACCOUNT_ID}").replace(TEST_API_TOKEN, "{API_TOKEN}")
    assert restored == node.source
    assert seed.snippets[0].code == seed.snippets[0].source


def test_front_matter(seed: Extraction) -> None:
    assert seed.page.front_matter["model"]["id"] == "cf/mistral/mistral-7b-instruct-v0.1"
    assert seed.page.model_id == "@cf/mistral/mistral-7b-instruct-v0.1"
    assert seed.page.documented_params == ("prompt", "raw")
    assert seed.page.path == PAGE


def test_the_shared_seed_file_reads_the_same() -> None:
    extraction = extract_page(SHARED / "seeds" / "000_5da410dbf5ca7cb1.txt", "seed.txt")
    assert [s.line for s in extraction.snippets] == [47, 81, 111, 138, 161]


def test_custom_placeholders(seed: Extraction) -> None:
    extraction = extract_page(PAGES / "seed.md", PAGE, placeholders={"{API_TOKEN}": "t0k", "{ACCOUNT_ID}": "acc"})
    curl = extraction.snippets[4]
    assert "Bearer t0k" in curl.code and "/accounts/acc/" in curl.code


def test_role_named_placeholders_need_no_table(seed: Extraction) -> None:
    extraction = extract_page(PAGES / "seed.md", PAGE, placeholders={})
    curl = extraction.snippets[4]
    assert f"Bearer {TEST_API_TOKEN}" in curl.code and f"/accounts/{TEST_ACCOUNT_ID}/" in curl.code
