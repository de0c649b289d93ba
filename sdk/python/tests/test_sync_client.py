"""The sync client against the real API: an owner's day, from creating a hook to replaying a delivery."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

import hookflow
from hookflow import Hookflow, models

from conftest import API_URL, RECEIVER_URL, eventually, received


def create_hook(client: Hookflow, path: str) -> models.HooksCreateResponse:
    return client.hooks.create(
        name="Python receiver",
        events=["project.created"],
        target={"type": "http", "url": f"{RECEIVER_URL}{path}"},
    )


def test_an_event_reaches_the_hook_and_its_deliveries_list_across_pages(client: Hookflow, receiver_path: str) -> None:
    hook = create_hook(client, receiver_path)
    assert isinstance(hook, models.HooksCreateResponse)
    assert hook.secret.startswith("whsec_")
    assert client.hooks.get(hook.id).name == "Python receiver"

    posted = [client.events.create(type="project.created", data={"n": n}) for n in range(3)]
    assert all(isinstance(event, models.Event) for event in posted)

    def succeeded() -> list[models.DeliverySummary]:
        deliveries = list(client.deliveries.list(hook_id=hook.id, status="succeeded", limit=2))
        return deliveries if len(deliveries) == 3 else []

    deliveries = eventually(succeeded, "three succeeded deliveries")
    assert {delivery.event_id for delivery in deliveries} == {event.id for event in posted}

    pages = list(client.deliveries.list(hook_id=hook.id, limit=2).pages())
    assert [len(page.data) for page in pages] == [2, 1]
    first = client.deliveries.list(hook_id=hook.id, limit=2).page()
    assert isinstance(first, models.DeliverySummaryPage) and first.next_cursor

    delivery = client.deliveries.get(deliveries[0].id)
    assert isinstance(delivery, models.Delivery)
    assert delivery.status == "succeeded" and len(delivery.attempts) >= 1
    assert isinstance(delivery.created_at, datetime)

    assert [request["method"] for request in received(receiver_path)] == ["POST"] * 3


def test_the_received_webhooks_verify_and_a_tampered_one_is_refused(client: Hookflow, receiver_path: str) -> None:
    hook = create_hook(client, receiver_path)
    client.events.create(type="project.created", data={"name": "Verified"})
    request = eventually(lambda: received(receiver_path), "the webhook")[0]

    payload = hookflow.verify_webhook(hook.secret, request["headers"], request["body"])
    assert payload["type"] == "project.created"
    assert payload["data"] == {"name": "Verified"}

    tampered = json.dumps({**json.loads(request["body"]), "data": {"name": "Forged"}})
    with pytest.raises(hookflow.WebhookVerificationError) as refused:
        hookflow.verify_webhook(hook.secret, request["headers"], tampered)
    assert refused.value.code == "invalid_signature"

    rotated = client.hooks.rotate_secret(hook.id)
    assert rotated.secret != hook.secret
    with pytest.raises(hookflow.WebhookVerificationError):
        hookflow.verify_webhook(rotated.secret, request["headers"], request["body"])


def test_a_saved_request_is_verified_by_its_signature_alone_when_asked() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    body = json.dumps({"type": "project.created", "data": {"name": "Saved"}})
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    headers = {
        "webhook-id": "msg_saved",
        "webhook-timestamp": str(int(an_hour_ago.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_saved", an_hour_ago, body),
    }
    with pytest.raises(hookflow.WebhookVerificationError, match="too old"):
        hookflow.verify_webhook(secret, headers, body)
    assert hookflow.verify_webhook(secret, headers, body, check_timestamp=False)["data"] == {"name": "Saved"}
    with pytest.raises(hookflow.WebhookVerificationError):
        hookflow.verify_webhook(secret, headers, body.replace("Saved", "Forged"), check_timestamp=False)
    with pytest.raises(hookflow.WebhookVerificationError):
        hookflow.verify_webhook(secret, {**headers, "webhook-id": "msg_other"}, body, check_timestamp=False)


def test_a_delivery_is_replayed_and_a_hook_recovered(client: Hookflow, receiver_path: str) -> None:
    hook = create_hook(client, receiver_path)
    client.events.create(type="project.created", data={})
    original = eventually(lambda: list(client.deliveries.list(hook_id=hook.id, status="succeeded")), "the delivery")[0]

    replay = client.replays.delivery(original.id)
    assert isinstance(replay, models.Replay) and replay.kind == "delivery"
    eventually(lambda: len(received(receiver_path)) == 2, "the replayed webhook")
    assert eventually(lambda: client.replays.get(replay.id).status == "completed", "the replay to complete")
    copies = [d for d in client.deliveries.list(hook_id=hook.id) if d.replay_of == original.id]
    assert len(copies) == 1

    recovery = client.replays.recover(hook.id, since=datetime.now(timezone.utc) - timedelta(hours=1))
    assert recovery.kind == "recovery" and recovery.hook_id == hook.id


def test_refusals_are_typed_errors_with_code_and_request_id(client: Hookflow) -> None:
    with pytest.raises(hookflow.NotFoundError) as missing:
        client.hooks.get("hook_missing")
    assert missing.value.status == 404
    assert missing.value.code == "not_found"
    assert missing.value.request_id
    assert "hook_missing" in missing.value.message

    with pytest.raises(hookflow.ValidationError) as invalid:
        client.hooks.create(name="Bad", events=["not a pattern!"], target={"type": "http", "url": f"{RECEIVER_URL}/x"})
    assert invalid.value.status == 400
    assert invalid.value.code == "validation_failed"
    assert "events" in invalid.value.message
    assert invalid.value.request_id

    with pytest.raises(hookflow.UnprocessableError) as refused:
        client.events.create(type="not.in.the.catalogue", data={})
    assert refused.value.status == 422

    with Hookflow(base_url=API_URL, api_key="hfk_not_a_key") as stranger:
        with pytest.raises(hookflow.AuthenticationError) as unauthorized:
            stranger.hooks.list().page()
    assert unauthorized.value.status == 401


def test_an_owner_key_may_not_use_admin_routes(client: Hookflow) -> None:
    with pytest.raises(hookflow.PermissionDeniedError) as refused:
        client.owners.list().page()
    assert refused.value.status == 403
    assert refused.value.code == "forbidden"
