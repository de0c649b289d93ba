"""
Lists that iterate across pages: `for item in client.deliveries.list(...)` fetches the next page when one is used up,
following `nextCursor`; `.page()` is the first page alone and `.pages()` every page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, Generic, Protocol, TypeVar

from ._call import Call
from ._transport import AsyncTransport, SyncTransport


class Page(Protocol):
    """What the API's page answers share: `{data: [...], nextCursor?}`."""

    @property
    def data(self) -> Any: ...

    @property
    def next_cursor(self) -> str | None: ...


PageT = TypeVar("PageT", bound=Page)
Item = TypeVar("Item")


class SyncPaginator(Generic[PageT, Item]):
    def __init__(self, transport: SyncTransport, call: Call, page: type[PageT]) -> None:
        self._transport = transport
        self._call = call
        self._page = page

    def page(self) -> PageT:
        """The first page only (from the `cursor` given, if any)."""
        page: PageT = self._transport.request(self._call, self._page)  # type: ignore[arg-type]
        return page

    def pages(self) -> Iterator[PageT]:
        call = self._call
        while True:
            page: PageT = self._transport.request(call, self._page)  # type: ignore[arg-type]
            yield page
            if not page.next_cursor:
                return
            call = call.with_query(cursor=page.next_cursor)

    def __iter__(self) -> Iterator[Item]:
        for page in self.pages():
            yield from page.data


class AsyncPaginator(Generic[PageT, Item]):
    def __init__(self, transport: AsyncTransport, call: Call, page: type[PageT]) -> None:
        self._transport = transport
        self._call = call
        self._page = page

    async def page(self) -> PageT:
        """The first page only (from the `cursor` given, if any)."""
        page: PageT = await self._transport.request(self._call, self._page)  # type: ignore[arg-type]
        return page

    async def pages(self) -> AsyncIterator[PageT]:
        call = self._call
        while True:
            page: PageT = await self._transport.request(call, self._page)  # type: ignore[arg-type]
            yield page
            if not page.next_cursor:
                return
            call = call.with_query(cursor=page.next_cursor)

    async def __aiter__(self) -> AsyncIterator[Item]:
        async for page in self.pages():
            for item in page.data:
                yield item
