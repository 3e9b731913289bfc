"""Buttons on nudges, escalations and accepted cards: snooze, nudge again, and log the first
touch (Reassign opens the picker: `reassign_picker`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.reasons import Reason
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.integrations.events import touch_data
from bot.runtime import Runtime
from bot.services import notify
from bot.services.decisions import (
    ALREADY,
    NO_REASON,
    RECORDED,
    Outcome,
    allowed,
    insight_codes,
    invalid,
    known_insights,
)
from bot.services.outgoing import emit
from bot.services.sla_clock import calendar_of, stop_follow_up_clock
from bot.services.sla_nudge import send
from storage import outbox
from storage.db import read_only, unit_of_work
from storage.events import log_event
from storage.handoffs import claim_first_touch
from storage.leads import get_lead
from storage.models import ACCEPTED, FOLLOW_UP, PENDING, REMIND, Handoff
from storage.timers import add_timer, cancel_timers

SNOOZE = timedelta(hours=1)
TOUCHES = ("contacted", "meeting_booked", "disqualified")


def _waiting_kind(handoff: Handoff) -> str | None:
    """Which nudge applies now: the decision's, or the first touch's."""
    if handoff.status == PENDING:
        return REMIND
    if handoff.status == ACCEPTED and not handoff.first_touch:
        return FOLLOW_UP
    return None


def snooze(
    handoff_id: int, actor: str, *, runtime: Runtime, now: datetime | None = None
) -> Outcome:
    """Push back the owner's next nudge by an hour; escalation and reassignment keep time."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor, "snooze", now)
        if isinstance(handoff, Outcome):
            return handoff
        kind = _waiting_kind(handoff)
        if kind is None:
            return Outcome(ALREADY, handoff)
        assert handoff.id is not None
        cancel_timers(
            handoff.id,
            session=session,
            now=now,
            kinds=[kind],
            recipient=handoff.owner_id,
            note=f"snoozed by {actor}",
        )
        add_timer(
            kind, handoff.id, now + SNOOZE, session=session, now=now, recipient=handoff.owner_id
        )
        log_event(
            "snoozed",
            session=session,
            at=now,
            actor=actor,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            until=(now + SNOOZE).isoformat(),
            kind=kind,
        )
        return Outcome(RECORDED, handoff)


def snoozed_until(owner_id: str, *, runtime: Runtime, now: datetime) -> datetime:
    """When a snoozed reminder comes: an hour on, held to the owner's working hours as the
    tick holds it (Snooze at 17:40 with hours to 18:00: the next morning)."""
    with read_only(runtime.engine) as session:
        calendar = calendar_of(owner_id, session=session, config=runtime.config)
    return calendar.next_working(now + SNOOZE)


def nudge_again(
    handoff_id: int, actor: str, *, runtime: Runtime, now: datetime | None = None
) -> Outcome:
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor, "nudge", now)
        if isinstance(handoff, Outcome):
            return handoff
        kind = _waiting_kind(handoff)
        if kind is None:
            return Outcome(ALREADY, handoff)
        send(kind, handoff, handoff.owner_id, session=session, config=config, now=now, actor=actor)
        return Outcome(RECORDED, handoff)


def record_touch(
    handoff_id: int,
    actor: str,
    kind: str,
    *,
    runtime: Runtime,
    now: datetime | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    insights: Mapping[str, str | None] | None = None,
) -> Outcome:
    """Contacted, meeting booked, or disqualified after contact (with a reason)."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    if kind not in TOUCHES:
        raise ValueError(kind)
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor, kind, now)
        if isinstance(handoff, Outcome):
            return handoff
        reason = None
        if kind == "disqualified":
            reason = config.reason("disqualify", reason_code or "")
            if reason is None or reason.reroute:
                return invalid(handoff, NO_REASON)
        note = (note or "").strip()[:NOTE_MAX_LENGTH] or None
        assert handoff.id is not None
        if not claim_first_touch(
            handoff.id,
            session=session,
            kind=kind,
            at=now,
            by=actor,
            reason_code=reason.code if reason else None,
            reason_label=reason.label if reason else None,
            note=note,
            insights=known_insights(config, insights) if kind == "disqualified" else None,
        ):
            session.refresh(handoff)
            return Outcome(ALREADY, handoff)
        session.refresh(handoff)
        after_first_touch(
            handoff, kind, actor, session=session, config=config, now=now, reason=reason, note=note
        )
        return Outcome(RECORDED, handoff)


def after_first_touch(
    handoff: Handoff,
    kind: str,
    actor: str,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    reason: Reason | None = None,
    note: str | None = None,
) -> None:
    """A first touch was claimed: its clock stops, the event, both cards, webhooks and the
    thread note (also when booking a meeting records it)."""
    assert handoff.id is not None
    stop_follow_up_clock(handoff.id, session=session, now=now, why=f"{kind} by {actor}")
    log_event(
        "first_touch",
        session=session,
        at=now,
        actor=actor,
        lead_id=handoff.lead_id,
        handoff_id=handoff.id,
        touch=kind,
        reason_code=reason.code if reason else None,
        reason=reason.label if reason else None,
        note=note,
        **insight_codes(handoff),
        minutes=round((now - (handoff.decided_at or now)).total_seconds() / 60, 1),
    )
    outbox.update_cards(handoff.id, session=session, now=now)
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    emit(
        "handoff.touched",
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=touch_data(config, handoff),
    )
    notify.thread_note(
        "touch",
        handoff.id,
        session=session,
        now=now,
        owner=handoff.owner_id,
        touch=kind,
        reason=reason.label if reason else None,
    )
