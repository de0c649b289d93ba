"""Checking that a webhook came from Hookflow, with the Standard Webhooks library Hookflow signs for."""

from __future__ import annotations

import binascii
import hmac
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook
from standardwebhooks.webhooks import WebhookVerificationError as SignatureRefused

from ._errors import WebhookVerificationError


def verify_webhook(
    secret: str, headers: Mapping[str, str], body: str | bytes, *, check_timestamp: bool = True
) -> Any:
    """
    The webhook's payload, parsed, once its `webhook-signature` matches `body` under the hook's `secret` (whsec_...)
    and its `webhook-timestamp` is recent; else WebhookVerificationError. Pass the body exactly as received.
    `check_timestamp=False` checks the signature alone, at the time the headers say, for a request saved earlier.
    """
    try:
        verifier = Webhook(secret)
    except (binascii.Error, EmptyWebhookSecretError) as error:
        raise WebhookVerificationError(f"not a webhook secret: {error}", code="invalid_secret") from error
    try:
        if not check_timestamp:
            return _verify_signature_only(verifier, {name.lower(): value for name, value in headers.items()}, body)
        return verifier.verify(body, dict(headers))
    except SignatureRefused as error:
        raise WebhookVerificationError(str(error), code="invalid_signature") from error


def _verify_signature_only(verifier: Webhook, headers: Mapping[str, str], body: str | bytes) -> Any:
    """The library's check without its clock: it signs what the headers say was sent, at their timestamp."""
    msg_id, timestamp, sent = (headers.get(f"webhook-{name}") for name in ("id", "timestamp", "signature"))
    if not msg_id or not sent or not (timestamp or "").isdigit():
        raise SignatureRefused("Missing or malformed webhook-* headers")
    signed_at = datetime.fromtimestamp(int(timestamp or 0), tz=timezone.utc)
    expected = verifier.sign(msg_id, signed_at, body).encode()
    if not any(hmac.compare_digest(expected, signature.encode()) for signature in sent.split(" ")):
        raise SignatureRefused("No matching signature found")
    text = body.decode() if isinstance(body, bytes) else body
    return json.loads(text) if text else None
