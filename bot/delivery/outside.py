"""HTTP calls to outside destinations (webhooks, CRMs): how an answer ends an attempt.

- 2xx: done.
- 408, 5xx, timeouts and connection errors: retried by the lane's policy (back-off with
  jitter); an unreachable destination holds back its other rows until the retry.
- 429: retried after `Retry-After` (seconds or an HTTP date), the destination paused.
- Any other status (4xx, a redirect): `Permanent`, with the answer's body kept (trimmed).
"""

from __future__ import annotations

import httpx

from bot.delivery.errors import Permanent, RetryLater
from bot.integrations.http import retry_after_seconds as retry_after

KEEP = 300  # characters of an answer's body kept in the row's last error
UNREACHABLE_PAUSE = 3600.0  # the destination waits as long as the row does (at most this)


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= KEEP else flat[: KEEP - 1] + "…"


def unreachable(what: str, exc: httpx.HTTPError) -> RetryLater:
    """A timeout or a connection error: the request may have arrived (maybe sent)."""
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else f"failed: {exc!r}"
    return RetryLater(0, f"{what} {kind}", maybe_sent=True, pause=UNREACHABLE_PAUSE)


def check(response: httpx.Response, what: str) -> httpx.Response:
    """The response if 2xx; else `RetryLater` or `Permanent`, as the module says."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    error = f"{what}: HTTP {status}" + (f" {excerpt(response.text)}" if response.text else "")
    if status == 429:
        wait = retry_after(response.headers.get("retry-after")) or 0.0
        raise RetryLater(wait, error, maybe_sent=False, pause=wait, rate_limited=True)
    if status == 408 or status >= 500:
        raise RetryLater(0, error, maybe_sent=True)
    raise Permanent(error)
