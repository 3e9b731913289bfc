"""Accept, Reject, Hand back: who may decide, and the first decision wins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.insights import WHICH
from bot.domain.leads import lead_label
from bot.domain.lifecycle import NOTE_MAX_LENGTH, revisit_at
from bot.inputs import latest_date
from bot.integrations.events import decision_data
from bot.runtime import Runtime
from bot.services import notify
from bot.services.assign import assign
from bot.services.outgoing import emit
from bot.services.sla_clock import (
    start_follow_up_clock,
    start_revisit_clock,
    stop_decision_clock,
)
from storage import outbox
from storage.db import read_only, unit_of_work
from storage.events import log_event, log_refused
from storage.handoffs import claim_decision, get_handoff, handoffs_for_lead
from storage.leads import get_lead
from storage.models import (
    ACCEPTED,
    HANDED_BACK,
    LEAD_ACCEPTED,
    LEAD_HANDED_BACK,
    LEAD_REJECTED,
    PENDING,
    REJECTED,
    Handoff,
)
from storage.people import get_person

ACCEPT, REJECT, HANDBACK = "accept", "reject", "handback"
STATUS_OF = {ACCEPT: ACCEPTED, REJECT: REJECTED, HANDBACK: HANDED_BACK}
EVENT_OF = {ACCEPT: "accepted", REJECT: "rejected", HANDBACK: "handed_back"}
OUTGOING_OF = {
    ACCEPT: "handoff.accepted",
    REJECT: "handoff.rejected",
    HANDBACK: "handoff.handed_back",
}

RECORDED, REFUSED, ALREADY, NOT_FOUND, INVALID, OK = (
    "recorded",
    "refused",
    "already",
    "not_found",
    "invalid",
    "ok",
)


# INVALID: what is wrong (`Outcome.problem`), and with which field (`Outcome.field`).
NO_REASON, REVISIT_NOT_LATER, REVISIT_TOO_FAR = "no_reason", "revisit_not_later", "revisit_too_far"
REASON_FIELD, REVISIT_FIELD = "reason", "revisit_on"


@dataclass(frozen=True)
class Outcome:
    result: str
    handoff: Handoff | None = None
    problem: str | None = None  # INVALID: NO_REASON, REVISIT_NOT_LATER or REVISIT_TOO_FAR
    new_handoff: Handoff | None = None  # a wrong-owner reject re-routes to this one
    lead_label: str | None = None
    field: str | None = None  # INVALID: the input it concerns (REASON_FIELD, REVISIT_FIELD)
    latest: date | None = None  # REVISIT_TOO_FAR: the last date allowed


def invalid(handoff: Handoff, problem: str, *, latest: date | None = None) -> Outcome:
    field = REASON_FIELD if problem == NO_REASON else REVISIT_FIELD
    return Outcome(INVALID, handoff, problem, field=field, latest=latest)


def known_insights(
    config: HandshakeConfig, insights: Mapping[str, str | None] | None
) -> dict[str, str | None]:
    """persona / decision_role / objection: codes the config offers, else None."""
    return {w: config.insights.known(w, (insights or {}).get(w)) for w in WHICH}


def insight_codes(handoff: Handoff) -> dict[str, str | None]:
    """What sales learned, as stored on the hand-off (for the decision's event data)."""
    return {w: getattr(handoff, w) for w in WHICH}


def may_decide(
    config: HandshakeConfig, owner_id: str, actor_id: str, *, team: str | None = None
) -> bool:
    """The owner, the owner's manager, or an admin. An owner no longer on the roster has
    no manager: the manager of the hand-off's `team` stands in, so their leads stay
    someone's to act on."""
    if actor_id == owner_id or actor_id == config.manager_of(owner_id):
        return True
    left = config.person(owner_id) is None and team is not None
    if left and (gone := config.team(team or "")) is not None and gone.manager == actor_id:
        return True
    actor = config.person(actor_id)
    return actor is not None and actor.role == "admin"


def check_decider(
    handoff_id: int,
    actor_id: str,
    *,
    runtime: Runtime,
    action: str,
    now: datetime | None = None,
) -> Outcome:
    """Before opening a reason modal: may this person decide, and is it still pending?"""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor_id, action, now)
        if isinstance(handoff, Outcome):
            return handoff
        if handoff.status != PENDING:
            return Outcome(ALREADY, handoff)
        lead = get_lead(handoff.lead_id, session=session)
        return Outcome(OK, handoff, lead_label=lead_label(lead) if lead else None)


def check_touch(
    handoff_id: int, actor_id: str, *, runtime: Runtime, now: datetime | None = None
) -> Outcome:
    """Before opening the disqualify form: accepted, no first touch yet, and allowed."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor_id, "disqualified", now)
        if isinstance(handoff, Outcome):
            return handoff
        if handoff.status != ACCEPTED or handoff.first_touch:
            return Outcome(ALREADY, handoff)
        lead = get_lead(handoff.lead_id, session=session)
        return Outcome(OK, handoff, lead_label=lead_label(lead) if lead else None)


def decide(
    handoff_id: int,
    actor_id: str,
    action: str,
    *,
    runtime: Runtime,
    now: datetime | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    revisit_on: date | None = None,
    insights: Mapping[str, str | None] | None = None,
) -> Outcome:
    """Record a decision in one transaction: state, event, card updates (and a re-route)."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    with unit_of_work(engine) as session:
        handoff = allowed(session, config, handoff_id, actor_id, action, now)
        if isinstance(handoff, Outcome):
            return handoff
        reason = None
        if action in (REJECT, HANDBACK):
            reason = config.reason("reject" if action == REJECT else "handback", reason_code or "")
            if reason is None:
                return invalid(handoff, NO_REASON)
        if revisit_on is not None and (action != HANDBACK or revisit_on <= now.date()):
            return invalid(handoff, REVISIT_NOT_LATER)
        if revisit_on is not None and revisit_on > latest_date(now.date()):
            return invalid(handoff, REVISIT_TOO_FAR, latest=latest_date(now.date()))
        note = (note or "").strip()[:NOTE_MAX_LENGTH] or None
        reroute = bool(reason and reason.reroute)
        won = claim_decision(
            handoff_id,
            session=session,
            status=STATUS_OF[action],
            decided_by=actor_id,
            decided_at=now,
            reason_code=reason.code if reason else None,
            reason_label=reason.label if reason else None,
            note=note,
            revisit_on=revisit_on,
            routing_error=reroute,
            insights=known_insights(config, insights) if action != ACCEPT else None,
        )
        session.refresh(handoff)
        if not won:
            log_event(
                "decision_lost",
                session=session,
                at=now,
                actor=actor_id,
                lead_id=handoff.lead_id,
                handoff_id=handoff.id,
                action=action,
                winner=handoff.decided_by,
                status=handoff.status,
            )
            return Outcome(ALREADY, handoff)
        log_event(
            EVENT_OF[action],
            session=session,
            at=now,
            actor=actor_id,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            reason_code=handoff.reason_code,
            reason=handoff.reason_label,
            note=note,
            revisit_on=revisit_on.isoformat() if revisit_on else None,
            routing_error=reroute,
            **insight_codes(handoff),
            minutes=round((now - handoff.created_at).total_seconds() / 60, 1),
        )
        stop_decision_clock(handoff_id, session=session, now=now, why=f"{action} by {actor_id}")
        if reroute:  # the decision goes out before the new hand-off's lead.routed
            _emit_decision(session, config, handoff, action, now)
        new_handoff = _close_lead(session, config, handoff, action, reroute, actor_id, now)
        if not reroute:  # after the lead's new status is set, which the body shows
            _emit_decision(session, config, handoff, action, now)
        outbox.update_cards(handoff_id, session=session, now=now)
        return Outcome(RECORDED, handoff, new_handoff=new_handoff)


def _emit_decision(
    session: Session, config: HandshakeConfig, handoff: Handoff, action: str, now: datetime
) -> None:
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    emit(
        OUTGOING_OF[action],
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=decision_data(config, handoff),
    )


def _close_lead(
    session: Session,
    config: HandshakeConfig,
    handoff: Handoff,
    action: str,
    reroute: bool,
    actor_id: str,
    now: datetime,
) -> Handoff | None:
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    if reroute:
        new = assign(
            lead,
            session=session,
            config=config,
            now=now,
            signals=list(handoff.signals or []),
            actor=actor_id,
            previous=handoff,
            exclude_previous_owners=True,
            share_channel_card=True,
        ).handoff
        notify.thread_note(
            "reassigned",
            handoff.id or 0,
            session=session,
            now=now,
            owner=handoff.owner_id,
            new_owner=new.owner_id,
            reason=f"rejected: {handoff.reason_label}" if handoff.reason_label else "rejected",
        )
        return new
    lead.status = {ACCEPT: LEAD_ACCEPTED, REJECT: LEAD_REJECTED, HANDBACK: LEAD_HANDED_BACK}[action]
    if action == HANDBACK:
        lead.revisit_at = revisit_at(handoff.revisit_on, now)
        # on that date the owner is asked (services/recycle)
        start_revisit_clock(handoff, lead.revisit_at, session=session, now=now)
    if action == ACCEPT:
        start_follow_up_clock(handoff, lead, session=session, config=config, now=now)
    lead.updated_at = now
    session.add(lead)
    return None


@dataclass(frozen=True)
class About:
    """What a late or refused clicker is told about the hand-off they clicked."""

    lead_label: str | None
    next_owner: str | None = None  # reassigned: who holds the lead now
    viewer_tz: str | None = None  # the clicker's own time zone, when Slack told us


def about(handoff: Handoff, *, runtime: Runtime, viewer: str | None = None) -> About:
    with read_only(runtime.engine) as session:  # read everything before its rollback expires it
        lead = get_lead(handoff.lead_id, session=session)
        later = handoffs_for_lead(handoff.lead_id, session=session)
        successor = next((h.owner_id for h in later if h.previous_id == handoff.id), None)
        person = get_person(viewer, session=session) if viewer else None
        return About(lead_label(lead) if lead else None, successor, person.tz if person else None)


def allowed(
    session: Session,
    config: HandshakeConfig,
    handoff_id: int,
    actor_id: str,
    action: str,
    now: datetime,
) -> Handoff | Outcome:
    """The hand-off, if it exists and this person may decide on it (refusals are logged)."""
    handoff = get_handoff(handoff_id, session=session)
    if handoff is None:
        return Outcome(NOT_FOUND)
    if not may_decide(config, handoff.owner_id, actor_id, team=handoff.team):
        log_refused(session, handoff, actor_id, action, now)
        return Outcome(REFUSED, handoff)
    return handoff
