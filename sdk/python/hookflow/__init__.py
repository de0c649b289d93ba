"""Hookflow's Python SDK: `Hookflow` and `AsyncHookflow` clients, typed errors, `verify_webhook`; models in `hookflow.models`."""

from . import models
from ._call import NOT_GIVEN, NotGiven
from ._client import AsyncHookflow, Hookflow
from ._errors import (
    AuthenticationError,
    ConflictError,
    HookflowConnectionError,
    HookflowError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    UnprocessableError,
    ValidationError,
    WebhookVerificationError,
)
from ._pagination import AsyncPaginator, SyncPaginator
from ._webhooks import verify_webhook

__all__ = [
    "NOT_GIVEN",
    "AsyncHookflow",
    "AsyncPaginator",
    "AuthenticationError",
    "ConflictError",
    "Hookflow",
    "HookflowConnectionError",
    "HookflowError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "SyncPaginator",
    "UnprocessableError",
    "ValidationError",
    "WebhookVerificationError",
    "models",
    "verify_webhook",
]
