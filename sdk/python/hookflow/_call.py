"""One API call as the generated methods describe it, and how it becomes an HTTP request."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel


class NotGiven:
    """The default of an argument left out, which is not sent; unlike None, which is (a PATCH clears a field)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def path_segment(value: str) -> str:
    """An id as one path segment: whatever it holds cannot reach another route."""
    return quote(str(value), safe="")


def to_json(value: Any) -> Any:
    """Arguments as JSON: models by their API names (set fields only), datetimes in ISO 8601, UTC when naive."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items() if not isinstance(item, NotGiven)}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    return value


def _query_value(value: Any) -> Any:
    encoded = to_json(value)
    return str(encoded).lower() if isinstance(encoded, bool) else encoded


@dataclass(frozen=True)
class Call:
    """
    `query` and `body` by the API's names, arguments left out as NOT_GIVEN. `takes_idempotency_key`: the operation
    takes an Idempotency-Key header, so one is sent (the caller's, or made once per call) and its retries are
    harmless.
    """

    method: str
    path: str
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    takes_idempotency_key: bool = False
    idempotency_key: str | NotGiven = NOT_GIVEN

    def with_query(self, **changes: Any) -> Call:
        return replace(self, query={**self.query, **changes})

    @property
    def replayable(self) -> bool:
        """Whether sending it twice does no more than once: reads, PATCHes and DELETEs, and calls with a key."""
        return self.method in ("GET", "PATCH", "DELETE") or self.takes_idempotency_key

    def key(self) -> str | None:
        """
        The Idempotency-Key to send: the caller's; else an `id` in the body (the API refuses a key that differs from
        an event's id, and dedupes by that id anyway); else a new one.
        """
        if not self.takes_idempotency_key:
            return None
        if isinstance(self.idempotency_key, str):
            return self.idempotency_key
        body_id = (self.body or {}).get("id")
        return body_id if isinstance(body_id, str) else str(uuid.uuid4())

    def http_arguments(self) -> dict[str, Any]:
        """What httpx's build_request takes; called once per call, so that every retry sends the same key."""
        params = {name: _query_value(value) for name, value in self.query.items() if not isinstance(value, NotGiven)}
        key = self.key()
        arguments: dict[str, Any] = {"method": self.method, "url": self.path, "params": params}
        if key is not None:
            arguments["headers"] = {"idempotency-key": key}
        if self.body is not None:
            arguments["json"] = to_json(self.body)
        return arguments
