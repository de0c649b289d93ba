"""The async client against the real API: the same calls awaited, lists with `async for`, errors and retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest

import hookflow
from hookflow import AsyncHookflow, models

from conftest import API_URL, RECEIVER_URL, received
from proxy import UNAVAILABLE, misbehaving_proxy

T = TypeVar("T")


@pytest.fixture
async def async_client(owner_key: str) -> AsyncIterator[AsyncHookflow]:
    async with AsyncHookflow(base_url=API_URL, api_key=owner_key) as client:
        yield client


async def until(check: Callable[[], Awaitable[T]], what: str, timeout: float = 20.0) -> T:
    """Awaits `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while not (result := await check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)
    return result


async def test_an_event_is_delivered_and_listed_across_pages(async_client: AsyncHookflow, receiver_path: str) -> None:
    hook = await async_client.hooks.create(
        name="Async receiver", events=["project.created"], target={"type": "http", "url": f"{RECEIVER_URL}{receiver_path}"}
    )
    posted = [await async_client.events.create(type="project.created", data={"n": n}) for n in range(3)]

    async def succeeded() -> list[models.DeliverySummary]:
        deliveries = [d async for d in async_client.deliveries.list(hook_id=hook.id, status="succeeded", limit=2)]
        return deliveries if len(deliveries) == 3 else []

    deliveries = await until(succeeded, "three succeeded deliveries")
    assert {d.event_id for d in deliveries} == {event.id for event in posted}
    assert [len(page.data) async for page in async_client.deliveries.list(hook_id=hook.id, limit=2).pages()] == [2, 1]

    delivery = await async_client.deliveries.get(deliveries[0].id)
    assert isinstance(delivery, models.Delivery) and delivery.hook_id == hook.id

    request = received(receiver_path)[0]
    payload = hookflow.verify_webhook(hook.secret, request["headers"], request["body"])
    assert payload["type"] == "project.created"


async def test_a_missing_hook_is_a_typed_error(async_client: AsyncHookflow) -> None:
    with pytest.raises(hookflow.NotFoundError) as missing:
        await async_client.hooks.get("hook_missing")
    assert missing.value.code == "not_found" and missing.value.request_id


async def test_an_event_post_is_retried_with_one_key(owner_key: str) -> None:
    with misbehaving_proxy(API_URL, [UNAVAILABLE]) as (url, proxy):
        async with AsyncHookflow(base_url=url, api_key=owner_key) as through_proxy:
            started = time.monotonic()
            event = await through_proxy.events.create(type="project.created", data={})
            waited = time.monotonic() - started
    keys = [seen.idempotency_key for seen in proxy.seen]
    assert len(keys) == 2 and keys[0] == keys[1] == event.id
    assert waited >= 0.95
