"""Hand-off queries and the compare-and-set that makes the first decision win."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import ACCEPTED, PENDING, Handoff, Lead, Person


def get_handoff(handoff_id: int, *, session: Session) -> Handoff | None:
    return session.get(Handoff, handoff_id)


def handoffs_for_lead(lead_id: int, *, session: Session) -> list[Handoff]:
    query = select(Handoff).where(Handoff.lead_id == lead_id).order_by(col(Handoff.id))
    return list(session.exec(query).all())


def claim_decision(
    handoff_id: int,
    *,
    session: Session,
    status: str,
    decided_by: str,
    decided_at: datetime,
    reason_code: str | None = None,
    reason_label: str | None = None,
    note: str | None = None,
    revisit_on: date | None = None,
    routing_error: bool = False,
    insights: Mapping[str, str | None] | None = None,
) -> bool:
    """Record a decision if the hand-off is still pending. False: someone else won."""
    result = session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.status) == PENDING)
        .values(
            status=status,
            decided_by=decided_by,
            decided_at=decided_at,
            reason_code=reason_code,
            reason_label=reason_label,
            note=note,
            revisit_on=revisit_on,
            routing_error=routing_error,
            **_insight_values(insights),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_card(handoff_id: int, target: str, channel: str, ts: str, *, session: Session) -> None:
    values = (
        {"owner_channel": channel, "owner_ts": ts}
        if target == "owner"
        else {"channel_id": channel, "channel_ts": ts}
    )
    session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class HandoffRow:
    handoff: Handoff
    lead: Lead
    owner: Person


def handoffs_created_since(since: datetime, *, session: Session) -> list[HandoffRow]:
    query = (
        select(Handoff, Lead, Person)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .join(Person, col(Person.slack_id) == col(Handoff.owner_id))
        .where(col(Handoff.created_at) >= since)
        .order_by(col(Handoff.created_at), col(Handoff.id))
    )
    return [HandoffRow(h, lead, p) for h, lead, p in session.exec(query).all()]


def claim_first_touch(
    handoff_id: int,
    *,
    session: Session,
    kind: str,
    at: datetime,
    by: str,
    reason_code: str | None = None,
    reason_label: str | None = None,
    note: str | None = None,
    insights: Mapping[str, str | None] | None = None,
) -> bool:
    """Record the first touch of an accepted lead; False if one was recorded already."""
    result = session.execute(
        update(Handoff)
        .where(
            col(Handoff.id) == handoff_id,
            col(Handoff.status) == ACCEPTED,
            col(Handoff.first_touch).is_(None),
        )
        .values(
            first_touch=kind,
            first_touch_at=at,
            touched_by=by,
            touch_reason_code=reason_code,
            touch_reason_label=reason_label,
            touch_note=note,
            **_insight_values(insights),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def open_handoffs_of(owner_id: str, *, session: Session) -> list[tuple[Handoff, Lead]]:
    """Pending hand-offs, and accepted ones still waiting for a first touch."""
    query = (
        select(Handoff, Lead)
        .join(Lead, col(Lead.id) == col(Handoff.lead_id))
        .where(
            Handoff.owner_id == owner_id,
            (col(Handoff.status) == PENDING)
            | ((col(Handoff.status) == ACCEPTED) & col(Handoff.first_touch).is_(None)),
        )
    )
    return [(h, lead) for h, lead in session.exec(query).all()]


def _insight_values(insights: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """persona / decision_role / objection for an update (what sales learned)."""
    names = ("persona", "decision_role", "objection")
    return {name: (insights or {}).get(name) for name in names}
