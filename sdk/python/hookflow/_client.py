"""The clients: `Hookflow` (sync) and `AsyncHookflow`, one attribute per resource (generated, see _generated/)."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import httpx

from ._errors import HookflowError
from ._generated.resources import AsyncResources, SyncResources
from ._transport import AsyncTransport, SyncTransport

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_MAX_RETRIES = 2


def _http_options(base_url: str | None, api_key: str | None, timeout: float) -> dict[str, Any]:
    """httpx's options, the URL and key from HOOKFLOW_URL and HOOKFLOW_API_KEY when not given (as the CLI reads)."""
    url = base_url or os.environ.get("HOOKFLOW_URL")
    key = api_key or os.environ.get("HOOKFLOW_API_KEY")
    if not url:
        raise HookflowError("no base_url: pass one or set HOOKFLOW_URL")
    if not key:
        raise HookflowError("no api_key: pass one or set HOOKFLOW_API_KEY")
    return {
        "base_url": url.rstrip("/"),
        "timeout": timeout,
        "headers": {"authorization": f"Bearer {key}", "user-agent": "hookflow-python"},
    }


class Hookflow(SyncResources):
    """
    `Hookflow(base_url=..., api_key=...)`. 429 and 503 answers and connection failures are retried `max_retries`
    times with backoff, honouring Retry-After; `transport` replaces httpx's (for tests).
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(**_http_options(base_url, api_key, timeout), transport=transport)
        super().__init__(SyncTransport(self._http, max_retries))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Hookflow:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncHookflow(AsyncResources):
    """`Hookflow`'s twin for asyncio: the same methods, awaited; lists with `async for`."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(**_http_options(base_url, api_key, timeout), transport=transport)
        super().__init__(AsyncTransport(self._http, max_retries))

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncHookflow:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.close()
