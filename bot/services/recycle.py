"""Recycled leads: on a handed-back lead's revisit date the previous owner is asked
"Revisit now?" (a DM and a note under the channel card), and answers Re-engage (a new
hand-off: to them, or to the next eligible rep if they are away) or Keep nurturing (a new
date, asked again then). The timer is written when the lead is handed back (`decisions`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.lifecycle import revisit_at
from bot.inputs import latest_date, parse_date
from bot.runtime import Runtime
from bot.services import notify
from bot.services.assign import assign
from bot.services.decisions import (
    ALREADY,
    INVALID,
    RECORDED,
    REVISIT_FIELD,
    REVISIT_NOT_LATER,
    REVISIT_TOO_FAR,
    Outcome,
    allowed,
)
from bot.services.sla_clock import start_revisit_clock
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import handoffs_for_lead
from storage.leads import get_lead
from storage.models import HANDED_BACK, LEAD_HANDED_BACK, REVISIT, Handoff, Lead
from storage.timers import cancel_timers

REENGAGE, KEEP = "reengage", "keep_nurturing"


def still_recyclable(handoff: Handoff, lead: Lead | None, *, session: Session) -> bool:
    """Handed back, still in nurture, and no later hand-off (intake did not bring it back)."""
    if lead is None or handoff.status != HANDED_BACK or lead.status != LEAD_HANDED_BACK:
        return False
    later = handoffs_for_lead(lead.id or 0, session=session)
    return bool(later) and later[-1].id == handoff.id


def fire_revisit(
    handoff: Handoff, *, session: Session, config: HandshakeConfig, now: datetime
) -> bool:
    """The revisit DM and the thread note (False: nothing to ask, the lead moved on)."""
    assert handoff.id is not None
    lead = get_lead(handoff.lead_id, session=session)
    if not still_recyclable(handoff, lead, session=session):
        return False
    assert lead is not None
    days = (now - (handoff.decided_at or now)).days
    facts = {
        "lead": lead_label(lead),
        "days": days,
        "reason": handoff.reason_label or handoff.reason_code,
    }
    notify.dm("revisit", handoff.owner_id, handoff.id, session=session, now=now, **facts)
    notify.thread_note(
        "revisit", handoff.id, session=session, now=now, owner=handoff.owner_id, **facts
    )
    log_event(
        "revisit_due",
        session=session,
        at=now,
        actor="system",
        lead_id=lead.id,
        handoff_id=handoff.id,
        owner=handoff.owner_id,
        days=days,
        reason_code=handoff.reason_code,
    )
    return True


def re_engage(
    handoff_id: int, actor: str, *, runtime: Runtime, now: datetime | None = None
) -> Outcome:
    """A new hand-off for the lead: to its previous owner, else the next eligible rep."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor, REENGAGE, now)
        if isinstance(handoff, Outcome):
            return handoff
        lead = get_lead(handoff.lead_id, session=session)
        if not still_recyclable(handoff, lead, session=session):
            return Outcome(ALREADY, handoff)
        assert lead is not None and handoff.id is not None
        cancel_timers(
            handoff.id, session=session, now=now, kinds=[REVISIT], note=f"re-engaged by {actor}"
        )
        owner = config.person(handoff.owner_id)
        new = assign(
            lead,
            session=session,
            config=config,
            now=now,
            signals=list(handoff.signals or []),
            actor=actor,
            previous=handoff,
            prefer_email=owner.email if owner else None,
        ).handoff
        log_event(
            "re_engaged",
            session=session,
            at=now,
            actor=actor,
            lead_id=lead.id,
            handoff_id=handoff.id,
            new_handoff_id=new.id,
            owner=new.owner_id,
            reason_code=handoff.reason_code,
        )
        return Outcome(RECORDED, handoff, new_handoff=new, lead_label=lead_label(lead))


def keep_nurturing(
    handoff_id: int,
    actor: str,
    picked: object,
    *,
    runtime: Runtime,
    now: datetime | None = None,
) -> Outcome:
    """A new revisit date: the lead stays in nurture and the owner is asked again then."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    new_date: date | None = parse_date(picked)
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor, KEEP, now)
        if isinstance(handoff, Outcome):
            return handoff
        if new_date is None or new_date <= now.date():
            return Outcome(INVALID, handoff, REVISIT_NOT_LATER, field=REVISIT_FIELD)
        if new_date > latest_date(now.date()):
            latest = latest_date(now.date())
            return Outcome(INVALID, handoff, REVISIT_TOO_FAR, field=REVISIT_FIELD, latest=latest)
        lead = get_lead(handoff.lead_id, session=session)
        if not still_recyclable(handoff, lead, session=session):
            return Outcome(ALREADY, handoff)
        assert lead is not None and handoff.id is not None
        cancel_timers(
            handoff.id,
            session=session,
            now=now,
            kinds=[REVISIT],
            note=f"nurtured by {actor}",
        )
        lead.revisit_at, lead.updated_at = revisit_at(new_date, now), now
        session.add(lead)
        start_revisit_clock(handoff, lead.revisit_at, session=session, now=now)
        log_event(
            "nurture_extended",
            session=session,
            at=now,
            actor=actor,
            lead_id=lead.id,
            handoff_id=handoff.id,
            revisit_on=new_date.isoformat(),
        )
        return Outcome(RECORDED, handoff, lead_label=lead_label(lead))
