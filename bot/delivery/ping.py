"""`handshake webhooks test URL`: send one signed `ping` event, say what came back.

The same signing and the same reading of the answer as a real delivery (jobs/webhook.py,
outside.py), but at once and only once: nothing is queued."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

from bot.clock import Clock
from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.jobs.webhook import TIMEOUT, post_signed
from bot.delivery.outside import excerpt
from bot.integrations.events import body_text, ping_body


@dataclass(frozen=True)
class PingResult:
    ok: bool
    lines: list[str]  # one fact a line


def ping(url: str, secret: str, *, clock: Clock, http: httpx.Client | None = None) -> PingResult:
    webhook_id = f"msg_{uuid.uuid4().hex}"
    body = body_text(ping_body(clock()))
    lines = [f"POST {url}", f"webhook-id: {webhook_id}"]
    own = http is None
    client = http or httpx.Client(timeout=TIMEOUT)
    try:
        response = post_signed(client, url, secret, webhook_id, body)
    except (RetryLater, Permanent) as exc:
        return PingResult(False, [*lines, f"failed: {exc}"])
    finally:
        if own:
            client.close()
    return PingResult(
        True, [*lines, f"status: {response.status_code}", f"body: {excerpt(response.text)}"]
    )
