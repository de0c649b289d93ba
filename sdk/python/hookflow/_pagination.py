"""
Lists that iterate across pages: `for item in client.deliveries.list(...)` fetches the next page when one is used up,
following `nextCursor`; `.page()` is the first page alone and `.pages()` every page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel

from ._call import Call
from ._transport import AsyncTransport, SyncTransport

# A page model: `data` and `next_cursor`, which the generator checked the document's page answers have (typing has
# no way to say "a model with these fields").
PageT = TypeVar("PageT", bound=BaseModel)
Item = TypeVar("Item")


def _next_call(call: Call, page: BaseModel) -> Call | None:
    cursor = getattr(page, "next_cursor")
    return call.with_query(cursor=cursor) if cursor else None


class SyncPaginator(Generic[PageT, Item]):
    def __init__(self, transport: SyncTransport, call: Call, page: type[PageT]) -> None:
        self._transport = transport
        self._call = call
        self._page = page

    def page(self) -> PageT:
        """The first page only (from the `cursor` given, if any)."""
        return self._transport.request(self._call, self._page)

    def pages(self) -> Iterator[PageT]:
        call: Call | None = self._call
        while call is not None:
            page = self._transport.request(call, self._page)
            yield page
            call = _next_call(call, page)

    def __iter__(self) -> Iterator[Item]:
        for page in self.pages():
            yield from getattr(page, "data")


class AsyncPaginator(Generic[PageT, Item]):
    def __init__(self, transport: AsyncTransport, call: Call, page: type[PageT]) -> None:
        self._transport = transport
        self._call = call
        self._page = page

    async def page(self) -> PageT:
        """The first page only (from the `cursor` given, if any)."""
        return await self._transport.request(self._call, self._page)

    async def pages(self) -> AsyncIterator[PageT]:
        call: Call | None = self._call
        while call is not None:
            page = await self._transport.request(call, self._page)
            yield page
            call = _next_call(call, page)

    async def __aiter__(self) -> AsyncIterator[Item]:
        async for page in self.pages():
            for item in getattr(page, "data"):
                yield item
