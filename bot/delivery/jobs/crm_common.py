"""What the CRM jobs share: the event body of a row, its idempotency key, the owner's CRM
id, secrets from the environment, an HTTP client, and the vendors' errors as the worker's.

The HTTP client: the wiring may give the worker a long-lived `http` (an `httpx.Client`),
which the jobs then share (connection reuse); without one, each job call opens its own and
closes it (`CRM_TIMEOUT` seconds per call)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from bot.config.environment import unset_message
from bot.delivery.errors import Permanent, RetryLater
from bot.delivery.protocol import Delivery
from bot.integrations.crm_mapping import NotADecision
from bot.integrations.crm_meetings import is_meeting_event
from bot.integrations.errors import VendorRefused, VendorRetry
from storage.models import Outbox

CRM_TIMEOUT = 10.0


def body_of(row: Outbox) -> dict[str, Any]:
    body = (row.payload or {}).get("body")
    if not isinstance(body, dict):
        raise Permanent(f"outbox row {row.id} has no event body")
    return body


def to_write(worker: Delivery, row: Outbox, crm: str) -> tuple[Any, dict[str, Any]] | None:
    """The row's CRM section of the config and its event body; None (the row done, with a
    note why) when the lead's source is not one this CRM writes back."""
    section = getattr(worker.config.crm, crm, None) if worker.config.crm else None
    if section is None:
        raise Permanent(f"crm.{crm} is not configured")
    body = body_of(row)
    if source_of(body) not in section.sources:
        worker.done(row, note=f"source {source_of(body)!r} is not in crm.{crm}.sources")
        return None
    return section, body


def key_of(row: Outbox) -> str:
    """The idempotency key of a row's note or Task: the same on every retry of the row."""
    return f"hs-{row.id}"


def source_of(body: dict[str, Any]) -> str:
    return str(((body.get("data") or {}).get("lead") or {}).get("source") or "")


def lead_id_of(body: dict[str, Any]) -> int | None:
    value = ((body.get("data") or {}).get("lead") or {}).get("id")
    return value if isinstance(value, int) else None


def owner_crm_id(worker: Delivery, body: dict[str, Any], crm: str) -> str | None:
    """The hand-off owner's id in this CRM (people[].crm_ids), if configured; for a meeting
    event (the SDR → AE stage), the meeting's AE's."""
    data = body.get("data") or {}
    if is_meeting_event(body):
        owner = (data.get("meeting") or {}).get("ae") or {}
    else:
        owner = (data.get("handoff") or {}).get("owner") or {}
    person = worker.config.person(str(owner.get("slack_id") or ""))
    ids = person.crm_ids if person else None
    return getattr(ids, crm, None) if ids else None


def secret(key_path: str, variable: str, environ: Mapping[str, str]) -> str:
    value = (environ.get(variable) or "").strip()
    if not value:
        raise Permanent(f"{key_path}: {unset_message(variable)}")
    return value


@contextmanager
def http_client(worker: Delivery) -> Iterator[httpx.Client]:
    shared = getattr(worker, "http", None)
    if shared is not None:
        yield shared
        return
    with httpx.Client(timeout=CRM_TIMEOUT) as client:
        yield client


@contextmanager
def vendor_errors() -> Iterator[None]:
    """A vendor's refusal or trouble, as the worker's `Permanent` / `RetryLater`."""
    try:
        yield
    except VendorRetry as exc:
        raise RetryLater(
            exc.delay, exc.error, maybe_sent=exc.maybe_sent, rate_limited=exc.rate_limited
        ) from exc
    except (VendorRefused, NotADecision) as exc:
        raise Permanent(str(exc)) from exc
