"""A signed webhook (Standard Webhooks): POST the event's body, built once when it happened
(bot/services/outgoing.py), under the same `webhook-id` on every attempt, re-signed with a
fresh `webhook-timestamp` each time. A receiver de-duplicates by `webhook-id`.

The timestamp is wall-clock time, not the worker's clock: the receiver checks it against
its own clock (within five minutes), whatever clock Handshake's domain runs on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from bot.config.webhooks import url_origin, webhook_for
from bot.delivery.errors import Permanent
from bot.delivery.outside import check, unreachable
from bot.delivery.protocol import Delivery, Job
from bot.integrations.signing import signed_headers
from storage.models import Outbox

KIND = "webhook"
TIMEOUT = 10.0  # seconds for one POST (the wiring's httpx client)


def wall_clock() -> datetime:
    return datetime.now(UTC)


def post_signed(
    http: httpx.Client,
    url: str,
    secret: str,
    webhook_id: str,
    body: str,
    *,
    now: Callable[[], datetime] = wall_clock,
) -> httpx.Response:
    """One signed POST; the response if 2xx, else `RetryLater` / `Permanent`."""
    headers = signed_headers(secret, webhook_id, body, now())
    what = f"POST {url_origin(url)}"  # its path or query may hold a token: kept out of logs
    try:
        response = http.post(url, content=body.encode(), headers=headers)
    except httpx.HTTPError as exc:
        raise unreachable(what, exc) from exc
    return check(response, what)


def deliver_webhook(worker: Delivery, row: Outbox) -> None:
    payload = row.payload or {}
    hook = webhook_for(worker.config.webhooks, row.destination or "")
    if hook is None:
        raise Permanent(f"{row.destination}: no webhook with this URL is configured any more")
    if worker.http is None:
        raise Permanent(f"the {worker.lane} lane has no HTTP client")
    response = post_signed(
        worker.http, hook.url, hook.secret, str(payload["webhook_id"]), str(payload["json"])
    )
    worker.done(
        row,
        note=f"HTTP {response.status_code}",
        lead_id=row.lead_id,
        event={
            "call": KIND,
            "destination": hook.url,
            "event": payload.get("event"),
            "webhook_id": payload["webhook_id"],
            "status": response.status_code,
        },
    )


KINDS: dict[str, Job] = {KIND: deliver_webhook}
