"""What the service and the checks that read its journal entries share, without importing the service."""

from __future__ import annotations

VIA = "cloudflare-api"
"""The journal `via` of every request the Cloudflare API service answered."""
PREFIX = "/client/v4"


def half_written(segment: str) -> bool:
    """A path segment with a brace that does not close (`{zone_id`): a placeholder left half-written."""
    text = segment.replace("%7B", "{").replace("%7b", "{").replace("%7D", "}").replace("%7d", "}")
    return text.count("{") != text.count("}") or ("}" in text and text.index("}") < text.index("{"))
