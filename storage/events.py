"""The append-only event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Event, Handoff


def event_values(
    kind: str,
    /,
    *,
    at: datetime,
    actor: str,
    lead_id: int | None = None,
    handoff_id: int | None = None,
    **data: Any,
) -> dict[str, Any]:
    """A new event's columns: for one event (`log_event`) or a bulk insert of many."""
    return {
        "kind": kind,
        "at": at,
        "actor": actor,
        "lead_id": lead_id,
        "handoff_id": handoff_id,
        "data": data or None,
    }


def log_event(
    kind: str,
    /,
    *,
    session: Session,
    at: datetime,
    actor: str,
    lead_id: int | None = None,
    handoff_id: int | None = None,
    **data: Any,
) -> Event:
    event = Event(
        **event_values(kind, at=at, actor=actor, lead_id=lead_id, handoff_id=handoff_id, **data)
    )
    session.add(event)
    return event


def events_for_lead(lead_id: int, *, session: Session) -> list[Event]:
    query = select(Event).where(Event.lead_id == lead_id).order_by(col(Event.id))
    return list(session.exec(query).all())


def events_of_kind(kind: str, *, session: Session) -> list[Event]:
    return list(session.exec(select(Event).where(Event.kind == kind).order_by(col(Event.id))).all())


def log_refused(
    session: Session, handoff: Handoff, actor_id: str, action: str, now: datetime
) -> None:
    """A click or form on `handoff` by someone who may not (the timeline shows it)."""
    log_event(
        "click_refused",
        session=session,
        at=now,
        actor=actor_id,
        lead_id=handoff.lead_id,
        handoff_id=handoff.id,
        action=action,
        owner=handoff.owner_id,
    )
