"""How a call to a CRM ends when it does not succeed (the delivery jobs translate these
into the worker's `RetryLater` / `Permanent`, bot/delivery/errors.py)."""

from __future__ import annotations


class VendorRetry(Exception):
    """Worth trying again after `delay` seconds (0: the worker's back-off). `maybe_sent`:
    the vendor may have acted (a timeout, a 5xx on a create): look before creating again."""

    def __init__(self, delay: float, error: str, *, maybe_sent: bool, rate_limited: bool = False):
        super().__init__(error)
        self.delay, self.error, self.maybe_sent = delay, error, maybe_sent
        self.rate_limited = rate_limited  # the vendor answered 429 (counted in /metrics)


class VendorRefused(Exception):
    """No retry will fix it (400, 404, bad credentials): the vendor's message is kept."""


class Unauthorized(VendorRefused):
    """401: the token is missing, expired or revoked (Salesforce: fetch a new one once)."""
