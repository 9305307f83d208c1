"""The extraction stage: documentation pages in, `Extraction`s (page, snippets, diagnostics) out.

    pages, missing = find_pages(["docs/"])
    for path, display in pages:
        extraction = extract_page(path, display)

A docs format (Hugo, MDX) is one parser module registered in `formats.py`.
"""

from harness.extract.discover import find_pages
from harness.extract.page import extract_page, extract_text
from harness.extract.placeholders import DEFAULT_PLACEHOLDERS, TEST_ACCOUNT_ID, TEST_API_TOKEN
from harness.generated_values import generated_value

__all__ = [
    "DEFAULT_PLACEHOLDERS",
    "TEST_ACCOUNT_ID",
    "TEST_API_TOKEN",
    "extract_page",
    "extract_text",
    "find_pages",
    "generated_value",
]
