"""One HTTP call to a vendor, its answer classified the same way for every CRM:

- timeouts and lost connections: `VendorRetry` (maybe sent, when the call creates something)
- 408, 429 (with `Retry-After`), 5xx: `VendorRetry`
- 401: `Unauthorized`; any other 4xx: `VendorRefused`, with the vendor's message
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.integrations.errors import Unauthorized, VendorRefused, VendorRetry

DEFAULT_RATE_LIMIT_DELAY = 10.0  # a 429 without Retry-After
Describe = Callable[[httpx.Response], str]  # the vendor's error message, from its body


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    vendor: str,
    describe: Describe,
    creates: bool,
    retry_on: Callable[[httpx.Response], float | None] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """`creates`: the call makes a new record, so an unknown outcome may have made it."""
    what = f"{vendor} {method} {httpx.URL(url).path}"
    try:
        response = http.request(method, url, **kwargs)
    except httpx.ConnectError as exc:  # nothing reached the vendor
        raise VendorRetry(0, f"{what}: cannot connect ({exc})", maybe_sent=False) from exc
    except httpx.TimeoutException as exc:
        raise VendorRetry(0, f"{what}: timed out", maybe_sent=creates) from exc
    except httpx.TransportError as exc:
        raise VendorRetry(0, f"{what}: {exc!r}", maybe_sent=creates) from exc
    status = response.status_code
    if status < 400:
        return response
    message = f"{what}: {status} {describe(response)}".rstrip()
    if status in (408, 429):
        raise VendorRetry(
            retry_after(response), message, maybe_sent=False, rate_limited=status == 429
        )
    if status >= 500:
        raise VendorRetry(0, message, maybe_sent=creates)
    if retry_on is not None and (delay := retry_on(response)) is not None:
        raise VendorRetry(delay, message, maybe_sent=False)
    if status == 401:
        raise Unauthorized(message)
    raise VendorRefused(message)


def retry_after(response: httpx.Response, default: float = DEFAULT_RATE_LIMIT_DELAY) -> float:
    """`Retry-After` in seconds (a number or an HTTP date), else `default`."""
    seconds = retry_after_seconds(response.headers.get("Retry-After"))
    return default if seconds is None else seconds


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when
    there is none or it cannot be read."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def json_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
