"""Checking that a webhook came from Hookflow, with the Standard Webhooks library Hookflow signs for."""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook
from standardwebhooks.webhooks import WebhookVerificationError as SignatureRefused

from ._errors import WebhookVerificationError


def verify_webhook(secret: str, headers: Mapping[str, str], body: str | bytes) -> Any:
    """
    The webhook's payload, parsed, once its `webhook-signature` matches `body` under the hook's `secret` (whsec_...)
    and its `webhook-timestamp` is recent; else WebhookVerificationError. Pass the body exactly as received.
    """
    try:
        verifier = Webhook(secret)
    except (binascii.Error, EmptyWebhookSecretError) as error:
        raise WebhookVerificationError(f"not a webhook secret: {error}", code="invalid_secret") from error
    try:
        return verifier.verify(body, dict(headers))
    except SignatureRefused as error:
        raise WebhookVerificationError(str(error), code="invalid_signature") from error
