"""Declared placeholders: page text like `{ACCOUNT_ID}` that readers replace before running."""

from __future__ import annotations

import re
from collections.abc import Mapping

TEST_ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353"
"""The account id the mock accepts; put in place of `{ACCOUNT_ID}`."""
TEST_API_TOKEN = "harness-test-token"
"""The API token the mock accepts; put in place of `{API_TOKEN}`."""

DEFAULT_PLACEHOLDERS: Mapping[str, str] = {
    "{ACCOUNT_ID}": TEST_ACCOUNT_ID,
    "{account_id}": TEST_ACCOUNT_ID,
    "{API_TOKEN}": TEST_API_TOKEN,
}
"""Placeholder text -> the value put in the code that runs."""


def replace_placeholders(code: str, placeholders: Mapping[str, str]) -> str:
    """`code` with each placeholder replaced by its value: exact text, in one pass, nothing else.

    A placeholder right after `$` is left alone: `${ACCOUNT_ID}` is a variable of the code (a JS
    template literal, a shell parameter), not text for the reader to replace.
    """
    if not placeholders:
        return code
    keys = sorted(placeholders, key=len, reverse=True)
    pattern = re.compile(r"(?<!\$)(?:" + "|".join(re.escape(key) for key in keys) + ")")
    return pattern.sub(lambda match: placeholders[match.group(0)], code)
