"""The errors Workers AI answers, by name: HTTP status, Cloudflare code, message.

From the Workers AI error reference (`workers-ai/platform/errors`) and the API's own answers for
authentication (10000) and routing (7003). A scenario forces one of these by name
(`error = "rate-limit"`); the mock also answers some of them by itself (5007, 5006, 3006, 10000,
7003). Messages may name `{model}` and `{path}`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceError:
    """One kind of error answer."""

    status: int
    code: int
    message: str

    def text(self, model: str | None = None, path: str = "") -> str:
        """The message with `{model}` and `{path}` filled in."""
        return self.message.replace("{model}", model or "?").replace("{path}", path)


AUTH_ERROR = 10000
NO_SUCH_ROUTE = 7003
METHOD_NOT_ALLOWED = 7001
NO_SUCH_MODEL = 5007
INVALID_INPUT = 5006
INTERNAL_ERROR = 5000
REQUEST_TOO_LARGE = 3006
ACCOUNT_LIMITED = 3036
OUT_OF_CAPACITY = 3040

SERVICE_ERRORS: dict[str, ServiceError] = {
    "auth": ServiceError(401, AUTH_ERROR, "Authentication error"),
    "forbidden": ServiceError(403, AUTH_ERROR, "Authentication error"),
    "routing": ServiceError(
        404, NO_SUCH_ROUTE, "Could not route to {path}, perhaps your object identifier is invalid?"
    ),
    "no-such-model": ServiceError(400, NO_SUCH_MODEL, "No such model {model} or task"),
    "invalid-input": ServiceError(400, INVALID_INPUT, "Error: the inputs do not match the schema of {model}"),
    "invalid-data": ServiceError(400, 5004, "Invalid data type for base64 input: string"),
    "incomplete": ServiceError(400, 3003, "Request is missing headers or body: body"),
    "private-model": ServiceError(403, 5018, "The account is not allowed to access this model"),
    "model-agreement": ServiceError(403, 5016, "User has not agreed to Llama3.2 model terms"),
    "account-blocked": ServiceError(403, 3023, "Service unavailable for account"),
    "deprecated-sdk": ServiceError(405, 5019, "Request trying to use deprecated SDK version"),
    "lora-unsupported": ServiceError(405, 5005, "The model {model} does not support LoRa inference"),
    "invalid-model-id": ServiceError(404, 3042, "The model name is invalid"),
    "too-large": ServiceError(413, REQUEST_TOO_LARGE, "Request is too large"),
    "timeout": ServiceError(408, 3007, "Request timeout"),
    "aborted": ServiceError(408, 3008, "Request was aborted"),
    "rate-limit": ServiceError(
        429,
        ACCOUNT_LIMITED,
        "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's"
        " Workers Paid plan if you would like to continue usage.",
    ),
    "capacity": ServiceError(429, OUT_OF_CAPACITY, "No more data centers to forward the request to"),
    "internal": ServiceError(500, INTERNAL_ERROR, "Internal server error"),
}
"""Every error a scenario can force, by the name it is given in configuration."""
