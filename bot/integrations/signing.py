"""Standard Webhooks signing (https://www.standardwebhooks.com/), with the maintained
`standardwebhooks` package: the headers of one delivery attempt."""

from __future__ import annotations

from datetime import UTC, datetime
from math import floor

from standardwebhooks import Webhook


def signed_headers(secret: str, webhook_id: str, body: str, at: datetime) -> dict[str, str]:
    """`webhook-id` (the same on every retry), `webhook-timestamp` (this attempt, seconds)
    and `webhook-signature` (v1, HMAC-SHA256 of "id.timestamp.body")."""
    at = at.astimezone(UTC)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(floor(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
        "content-type": "application/json",
    }
