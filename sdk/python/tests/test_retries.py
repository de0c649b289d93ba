"""
Retries through a proxy that misbehaves on cue (proxy.py): 503 and 429 with Retry-After, a lost answer, a dropped
connection. The SDK waits as told, sends every retry of an event post with the same Idempotency-Key, and the event
is stored and delivered once.
"""

from __future__ import annotations

import time

import pytest

import hookflow
from hookflow import Hookflow

from conftest import API_URL, RECEIVER_URL, eventually, received
from proxy import BUSY, DROP, LOST_ANSWER, UNAVAILABLE, misbehaving_proxy


def test_an_event_post_is_retried_with_one_key_and_stored_once(client: Hookflow, owner_key: str, receiver_path: str) -> None:
    hook = client.hooks.create(
        name="Retried", events=["project.created"], target={"type": "http", "url": f"{RECEIVER_URL}{receiver_path}"}
    )
    with misbehaving_proxy(API_URL, [LOST_ANSWER, BUSY]) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key) as through_proxy:
            started = time.monotonic()
            event = through_proxy.events.create(type="project.created", data={"retried": True})
            waited = time.monotonic() - started

    posts = [seen for seen in proxy.seen if seen.method == "POST"]
    assert len(posts) == 3, "the lost answer and the 429 were retried"
    keys = {seen.idempotency_key for seen in posts}
    assert len(keys) == 1 and None not in keys, "every retry sent the same Idempotency-Key"
    assert event.id == keys.pop(), "the API took the key as the event's id"
    # Retry-After: 1 twice; a lower bound only.
    assert waited >= 1.9
    assert posts[1].at - posts[0].at >= 0.95 and posts[2].at - posts[1].at >= 0.95

    eventually(lambda: received(receiver_path), "the webhook")
    assert [e.id for e in client.events.list(type="project.created") if e.id == event.id] == [event.id]
    deliveries = eventually(
        lambda: [d for d in client.deliveries.list(event_id=event.id) if d.status == "succeeded"], "the delivery"
    )
    assert [d.hook_id for d in deliveries] == [hook.id], "the event was delivered once"


def test_the_callers_idempotency_key_is_sent(client: Hookflow, owner_key: str) -> None:
    with misbehaving_proxy(API_URL, [UNAVAILABLE]) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key) as through_proxy:
            event = through_proxy.events.create(type="project.created", data={}, idempotency_key="order-42-created")
    assert [seen.idempotency_key for seen in proxy.seen] == ["order-42-created"] * 2
    assert event.id == "order-42-created"
    again = client.events.create(type="project.created", data={}, idempotency_key="order-42-created")
    assert again.id == event.id


def test_a_dropped_connection_is_retried(owner_key: str) -> None:
    with misbehaving_proxy(API_URL, [DROP]) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key) as through_proxy:
            page = through_proxy.hooks.list().page()
    assert page.data == [], "a new owner has no hooks"
    assert len(proxy.seen) == 2


def test_other_refusals_are_not_retried(owner_key: str) -> None:
    with misbehaving_proxy(API_URL, []) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key) as through_proxy:
            with pytest.raises(hookflow.NotFoundError):
                through_proxy.hooks.get("hook_missing")
    assert len(proxy.seen) == 1


def test_retries_stop_at_max_retries(owner_key: str) -> None:
    with misbehaving_proxy(API_URL, [UNAVAILABLE, UNAVAILABLE, UNAVAILABLE]) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key, max_retries=1) as through_proxy:
            with pytest.raises(hookflow.ServiceUnavailableError) as unavailable:
                through_proxy.hooks.list().page()
    assert unavailable.value.status == 503
    assert len(proxy.seen) == 2, "the first try and one retry"


def test_a_post_without_a_key_is_retried_after_a_429_only(owner_key: str) -> None:
    target = {"type": "http", "url": f"{RECEIVER_URL}/never"}
    with misbehaving_proxy(API_URL, [BUSY, UNAVAILABLE]) as (url, proxy):
        with Hookflow(base_url=url, api_key=owner_key) as through_proxy:
            with pytest.raises(hookflow.ServiceUnavailableError):
                through_proxy.hooks.create(name="Not twice", events=["project.created"], target=target)
            hooks = through_proxy.hooks.list().page().data
    assert [seen.method for seen in proxy.seen] == ["POST", "POST", "GET"], "the 429 was retried, the 503 not"
    assert hooks == [], "no hook was made behind the 503"
