"""Constants and small helpers shared by the mock's tests."""

from __future__ import annotations

import json
import ssl

from harness.mock.server import MockConfig, MockServer
from harness.model import RecordedRequest
from harness.route import Route

CONFIG = MockConfig()
RUN_PATH = f"/client/v4/accounts/{CONFIG.account_id}/ai/run/"
RUN_URL = "https://api.cloudflare.com" + RUN_PATH
AUTH = {"Authorization": f"Bearer {CONFIG.api_token}"}
LLAMA = "@cf/meta/llama-2-7b-chat-int8"


def journal_of(mock: MockServer, route: Route) -> tuple[RecordedRequest, ...]:
    """What the snippet behind `route` sent, in order."""
    return mock.journal.for_snippet(mock.registry.snippet_of(route.token))


def sse_events(text: str) -> list[str]:
    """The `data:` payloads of a server-sent event stream."""
    return [block.removeprefix("data: ") for block in text.split("\n\n") if block.startswith("data: ")]


def streamed_text(text: str) -> str:
    """The concatenated `response` tokens of a text-generation stream (without `[DONE]`)."""
    return "".join(json.loads(e)["response"] for e in sse_events(text) if e != "[DONE]")


def trust(route: Route) -> ssl.SSLContext:
    """An SSL context that trusts the run's CA (what `verify=` wants in httpx)."""
    return ssl.create_default_context(cafile=route.ca_file)
