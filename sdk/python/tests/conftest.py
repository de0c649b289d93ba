"""
The suite runs against a real Hookflow that test/sdk-python.test.ts starts, and names in the environment:
HOOKFLOW_URL, HOOKFLOW_ADMIN_KEY, HOOKFLOW_RECEIVER_URL (a webhook receiver on loopback) and HOOKFLOW_RECEIVED_URL
(what that receiver got, as JSON).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

import hookflow
from hookflow import Hookflow

T = TypeVar("T")


def environment(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run this suite with `npm test -- test/sdk-python.test.ts`")
    return value


API_URL = environment("HOOKFLOW_URL")
ADMIN_KEY = environment("HOOKFLOW_ADMIN_KEY")
RECEIVER_URL = environment("HOOKFLOW_RECEIVER_URL")
RECEIVED_URL = environment("HOOKFLOW_RECEIVED_URL")


def eventually(check: Callable[[], T | None], what: str, timeout: float = 20.0) -> T:
    """Polls `check` until it returns something truthy (a delivery landing takes a moment)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def received(path: str) -> list[dict[str, Any]]:
    """The requests the receiver got on `path`, oldest first: method, path, headers, body (text as sent)."""
    requests: list[dict[str, Any]] = httpx.get(f"{RECEIVED_URL}/requests").json()
    return [request for request in requests if request["path"] == path]


@pytest.fixture
def admin() -> Iterator[Hookflow]:
    with Hookflow(base_url=API_URL, api_key=ADMIN_KEY) as client:
        yield client


EVENT_TYPE = "project.created"


@pytest.fixture(scope="session", autouse=True)
def event_type() -> None:
    """The event type the tests post, in the catalogue (event types are the admin's)."""
    with Hookflow(base_url=API_URL, api_key=ADMIN_KEY) as client:
        try:
            assert client.event_types.create(name=EVENT_TYPE).name == EVENT_TYPE
        except hookflow.ConflictError:
            pass  # registered by an earlier run against the same API


@pytest.fixture
def owner_key(admin: Hookflow) -> str:
    """A new owner's API key, made with the admin key through the SDK."""
    name = f"Python SDK {uuid.uuid4().hex[:8]}"
    created = admin.owners.create(name=name, email=f"{uuid.uuid4().hex[:8]}@example.test")
    assert created.name == name
    return created.api_key


@pytest.fixture
def client(owner_key: str) -> Iterator[Hookflow]:
    with Hookflow(base_url=API_URL, api_key=owner_key) as owner_client:
        yield owner_client


@pytest.fixture
def receiver_path() -> str:
    """A path of the receiver of this test's own, so that tests do not count each other's webhooks."""
    return f"/python-{uuid.uuid4().hex[:12]}"
