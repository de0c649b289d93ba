"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from ._errors import HookflowConnectionError, error_from_response

# Busy (429) or out for a while (503): the API says to come back, and Retry-After says when. Other refusals would
# only be refused again.
RETRIED_STATUSES = frozenset({429, 503})
FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 8.0
# A Retry-After beyond this is the API saying "not soon": better to fail and let the caller decide.
MAX_RETRY_AFTER_SECONDS = 60.0


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The answer's Retry-After, in seconds or as an HTTP date; None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def backoff_seconds(attempt: int) -> float:
    """Exponential from FIRST_BACKOFF_SECONDS, capped, with jitter so that many clients do not come back at once."""
    ceiling = min(FIRST_BACKOFF_SECONDS * 2.0**attempt, MAX_BACKOFF_SECONDS)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


# A 429 refuses a request before it does anything; a 503 or a lost answer may come after the API did part of it.
# So a request that could do its work twice (a POST without an Idempotency-Key, such as hooks.create) is retried
# only after a 429 or a connection that never opened.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


def _retried(replayable: bool, response: httpx.Response | None, failure: httpx.TransportError | None) -> bool:
    if response is not None:
        return response.status_code == 429 or (replayable and response.status_code in RETRIED_STATUSES)
    return replayable or isinstance(failure, NEVER_SENT)


def delay_before_retry(
    attempt: int,
    max_retries: int,
    replayable: bool,
    response: httpx.Response | None,
    failure: httpx.TransportError | None,
) -> float:
    """
    The seconds to wait before retry number `attempt + 1` of a request that got `response` (or, with none, failed
    with `failure`); raises the typed error when it is not to be retried. `replayable`: sending the request twice
    does no more than once (see Call.replayable).
    """
    if not _retried(replayable, response, failure) or attempt >= max_retries:
        if response is None:
            raise HookflowConnectionError(f"no answer from the API: {failure!r}") from failure
        raise error_from_response(response)
    asked = None if response is None else retry_after_seconds(response)
    if asked is None:
        return backoff_seconds(attempt)
    if asked > MAX_RETRY_AFTER_SECONDS and response is not None:
        raise error_from_response(response)
    return asked
