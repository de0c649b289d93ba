"""Typed errors: one class per kind of refusal, carrying what the API's `{error: {...}}` body says."""

from __future__ import annotations

from typing import Any

import httpx


class HookflowError(Exception):
    """Anything the SDK raises. `status` is None when no HTTP answer came (a connection error, a bad webhook)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [f"{self.status}" if self.status is not None else None, self.code, self.message]
        text = ": ".join(part for part in parts if part)
        return f"{text} (request {self.request_id})" if self.request_id else text


class ValidationError(HookflowError):
    """400: the request is malformed; `message` names the field."""


class AuthenticationError(HookflowError):
    """401: no key, or a key the API does not know."""


class PermissionDeniedError(HookflowError):
    """403: the key may not do this. (Not `PermissionError`, which would shadow Python's own.)"""


class NotFoundError(HookflowError):
    """404."""


class ConflictError(HookflowError):
    """409: e.g. an event id sent before with other content."""


class UnprocessableError(HookflowError):
    """422: well-formed but refused, e.g. an event type not in the catalogue."""


class RateLimitError(HookflowError):
    """429, once the retries are spent."""


class ServerError(HookflowError):
    """5xx."""


class ServiceUnavailableError(ServerError):
    """503: the API or a service behind it is out, once the retries are spent."""


class HookflowConnectionError(HookflowError):
    """No answer: the connection failed or timed out, once the retries are spent."""


class WebhookVerificationError(HookflowError):
    """A webhook whose signature, timestamp or headers do not check out."""


_BY_STATUS: dict[int, type[HookflowError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


def error_from_response(response: httpx.Response) -> HookflowError:
    """The error for a refused request, from the API's error body (or the bare status when it sent none)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if not isinstance(error, dict):
        error = {}
    kind = _BY_STATUS.get(response.status_code)
    if kind is None:
        kind = ServerError if response.status_code >= 500 else HookflowError
    return kind(
        str(error.get("message") or response.reason_phrase or "request failed"),
        status=response.status_code,
        code=error.get("code"),
        details=error.get("details"),
        request_id=error.get("requestId") or response.headers.get("x-request-id"),
    )
