"""The values placeholders get: those the mock accepts for an account id, an API token or an AI
Gateway, found by the placeholder's name (`<accountId>`, `{cf_api_token}`, `$CLOUDFLARE_API_TOKEN`),
and the values of the environment variables a snippet reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from harness.generated_values import generated_value

TEST_ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353"
"""The account id the mock accepts; put in place of `{ACCOUNT_ID}`."""
TEST_API_TOKEN = "harness-test-token"
"""The API token the mock accepts; put in place of `{API_TOKEN}`."""
TEST_GATEWAY_ID = "harness-gateway"
"""An AI Gateway id; the mock serves `gateway.ai.cloudflare.com/v1/<account>/<gateway>/workers-ai/...`."""
TEST_EMAIL = "docs-harness@example.com"
"""Put in place of `<EMAIL>` (the `X-Auth-Email` of Cloudflare's API key auth)."""

DEFAULT_PLACEHOLDERS: Mapping[str, str] = {
    "{ACCOUNT_ID}": TEST_ACCOUNT_ID,
    "{account_id}": TEST_ACCOUNT_ID,
    "{API_TOKEN}": TEST_API_TOKEN,
    "<EMAIL>": TEST_EMAIL,
    "<API_KEY>": TEST_API_TOKEN,
    "$ACCOUNT_ID": TEST_ACCOUNT_ID,
    "$API_TOKEN": TEST_API_TOKEN,
}
"""Placeholder text (or `$NAME` of an environment variable) -> the value the snippet gets.
Names that say account id, API token or AI Gateway need no entry: see `role_value`."""

_ROLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:your|cf|cloudflare|my)?_?account(?:_?(?:id|tag))?$", re.IGNORECASE), TEST_ACCOUNT_ID),
    (re.compile(r"^(?:your|cf|cloudflare|my)?_?(?:(?:api|auth)_?)?token$", re.IGNORECASE), TEST_API_TOKEN),
    (re.compile(r"^(?:your|cf|cloudflare|my)?_?(?:global_?)?(?:api|auth)_?key$", re.IGNORECASE), TEST_API_TOKEN),
    (re.compile(r"^(?:your|cf|cloudflare|my)?_?(?:ai_?)?gateway(?:_?(?:id|name|slug))?$", re.IGNORECASE),
     TEST_GATEWAY_ID),
)


def role_value(name: str) -> str | None:
    """The value for a placeholder or variable named like an account id, API token or AI Gateway."""
    bare = name.strip("<>{}$").removeprefix("YOUR_").removeprefix("your_")
    return next((value for pattern, value in _ROLES if pattern.match(bare)), None)


def environment(names: list[str], placeholders: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Values for the environment variables `names` a snippet reads, and those that have none."""
    values: dict[str, str] = {}
    missing = []
    for name in names:
        value = placeholders.get("$" + name) or role_value(name) or generated_value(name)
        if value is None:
            missing.append(name)
        else:
            values[name] = value
    return values, missing
