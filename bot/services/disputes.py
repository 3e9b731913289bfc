"""Disputes: a marketer (or an admin) challenges a Reject or Hand back; the owner's manager
(or an admin) upholds or overturns it. Overturn sends the lead to the next eligible person
who has not held it (`assign`, as a wrong-owner reject does) and the decision stops
counting against marketing (storage/disputes.not_overturned). One dispute per decision.

Here: who may dispute, and opening one (one transaction: the dispute row, the event, the
thread reply, the manager's DM, the card updates and the dispute's timers, fired by
services/dispute_sla.py). The ruling: services/dispute_rulings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.runtime import Runtime
from bot.services import notify
from bot.services.dispute_events import emit_dispute
from bot.services.sla_clock import calendar_of
from storage import outbox
from storage.db import unit_of_work
from storage.disputes import add_dispute, dispute_for_handoff
from storage.events import log_event, log_refused
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import (
    DISPUTE_ESCALATE,
    DISPUTE_OVERTURNED,
    DISPUTE_REMIND,
    DISPUTE_UPHELD,
    HANDED_BACK,
    REJECTED,
    Dispute,
    Handoff,
)
from storage.timers import add_timer

OK, RECORDED, REFUSED, ALREADY, NOT_FOUND, INVALID, NOT_DISPUTABLE = (
    "ok", "recorded", "refused", "already", "not_found", "invalid", "not_disputable",
)  # fmt: skip
UPHOLD, OVERTURN = DISPUTE_UPHELD, DISPUTE_OVERTURNED
WHY_MAX_LENGTH = NOTE_MAX_LENGTH
DISPUTE_TIMERS = (DISPUTE_REMIND, DISPUTE_ESCALATE)
# DM templates (rendered at delivery by views/dispute_delivery.py); payload: dispute_id.
RULING_DM = "dispute_ruling"  # the manager: the dispute, Uphold / Overturn
REMIND_DM = "dispute_remind"  # the SLA: the manager again, with the same buttons
ESCALATION_DM = "dispute_escalation"  # the SLA: an admin, with the same buttons
OUTCOME_DM = "dispute_outcome"  # each side told the ruling
BUTTON_TEMPLATES = (RULING_DM, REMIND_DM, ESCALATION_DM)


@dataclass(frozen=True)
class DisputeOutcome:
    result: str
    handoff: Handoff | None = None
    dispute: Dispute | None = None
    lead_label: str | None = None
    new_handoff: Handoff | None = None


def may_dispute(config: HandshakeConfig, actor_id: str) -> bool:
    """Marketers and admins."""
    person = config.person(actor_id)
    return person is not None and person.role in ("marketer", "admin")


def may_rule(
    config: HandshakeConfig, owner_id: str, actor_id: str, ruler_id: str | None = None
) -> bool:
    """The owner's manager (or whoever the dispute went to), or an admin; never the owner,
    whose decision it is."""
    if actor_id == owner_id:
        return False
    if actor_id in (config.manager_of(owner_id), ruler_id):
        return True
    person = config.person(actor_id)
    return person is not None and person.role == "admin"


def disputable(handoff: Handoff) -> bool:
    """A Reject or Hand back on quality (a wrong-owner reject was re-routed already)."""
    return handoff.status in (REJECTED, HANDED_BACK) and not handoff.routing_error


def check_disputer(
    handoff_id: int, actor_id: str, *, runtime: Runtime, now: datetime | None = None
) -> DisputeOutcome:
    """Before opening the dispute form: may this person dispute, and may this decision be?"""
    now = now or runtime.clock()
    with unit_of_work(runtime.engine) as session:
        return _check(session, runtime.config, handoff_id, actor_id, now)


def _check(
    session: Session, config: HandshakeConfig, handoff_id: int, actor_id: str, now: datetime
) -> DisputeOutcome:
    handoff = get_handoff(handoff_id, session=session)
    if handoff is None:
        return DisputeOutcome(NOT_FOUND)
    lead = get_lead(handoff.lead_id, session=session)
    label = lead_label(lead) if lead else None
    if not may_dispute(config, actor_id):
        log_refused(session, handoff, actor_id, "dispute", now)
        return DisputeOutcome(REFUSED, handoff, lead_label=label)
    existing = dispute_for_handoff(handoff_id, session=session)
    if existing is not None:
        return DisputeOutcome(ALREADY, handoff, existing, lead_label=label)
    if not disputable(handoff):
        return DisputeOutcome(NOT_DISPUTABLE, handoff, lead_label=label)
    return DisputeOutcome(OK, handoff, lead_label=label)


def open_dispute(
    handoff_id: int,
    actor_id: str,
    why: str | None,
    *,
    runtime: Runtime,
    now: datetime | None = None,
) -> DisputeOutcome:
    """Record the dispute, reply under the channel card, DM the owner's manager, start the
    dispute's clock."""
    config, now = runtime.config, now or runtime.clock()
    why = (why or "").strip()[:WHY_MAX_LENGTH]
    with unit_of_work(runtime.engine) as session:
        checked = _check(session, config, handoff_id, actor_id, now)
        if checked.result != OK or checked.handoff is None:
            return checked
        handoff = checked.handoff
        if not why:
            return DisputeOutcome(INVALID, handoff, lead_label=checked.lead_label)
        manager = ruler_for(config, handoff)
        if manager is None:  # nobody but the owner could rule on it
            return DisputeOutcome(NOT_DISPUTABLE, handoff, lead_label=checked.lead_label)
        dispute = add_dispute(
            Dispute(
                handoff_id=handoff_id,
                lead_id=handoff.lead_id,
                disputed_by=actor_id,
                why=why,
                manager_id=manager,
                created_at=now,
            ),
            session=session,
        )
        if dispute is None:  # someone disputed it a moment before
            existing = dispute_for_handoff(handoff_id, session=session)
            return DisputeOutcome(ALREADY, handoff, existing, lead_label=checked.lead_label)
        assert dispute.id is not None
        log_event(
            "disputed",
            session=session,
            at=now,
            actor=actor_id,
            lead_id=handoff.lead_id,
            handoff_id=handoff_id,
            dispute_id=dispute.id,
            decision=handoff.status,
            why=why,
        )
        about = {"session": session, "now": now, "dispute_id": dispute.id}
        notify.thread_note("disputed", handoff_id, **about)
        notify.dm(RULING_DM, dispute.manager_id, handoff_id, **about)
        _start_clock(dispute, session=session, config=config, now=now)
        outbox.refresh_cards(handoff_id, session=session, now=now)
        emit_dispute("handoff.disputed", handoff, dispute, session=session, config=config, now=now)
        return DisputeOutcome(RECORDED, handoff, dispute, lead_label=checked.lead_label)


def _start_clock(
    dispute: Dispute, *, session: Session, config: HandshakeConfig, now: datetime
) -> None:
    """The manager nudged at `sla.dispute_within`, each admin told at twice that, counted
    in the manager's working time (as the hand-off's and the meeting's clocks are): a
    dispute opened on a Friday afternoon leaves the manager Monday before the admins."""
    within = config.sla.dispute_within
    about = {"session": session, "now": now, "dispute_id": dispute.id}
    calendar = calendar_of(dispute.manager_id, session=session, config=config)
    remind_at, escalate_at = calendar.add(now, within), calendar.add(now, 2 * within)
    add_timer(DISPUTE_REMIND, dispute.handoff_id, remind_at, recipient=dispute.manager_id, **about)
    for admin in _admins(config):
        if admin != dispute.manager_id:
            add_timer(DISPUTE_ESCALATE, dispute.handoff_id, escalate_at, recipient=admin, **about)


def ruler_for(config: HandshakeConfig, handoff: Handoff) -> str | None:
    """Who rules: the owner's manager, else the team's, else an admin; never the owner (a
    manager's own decision goes to an admin)."""
    team = config.team(handoff.team) if handoff.team else None
    candidates = (config.manager_of(handoff.owner_id), team.manager if team else None)
    for candidate in (*candidates, *_admins(config)):
        if candidate and candidate != handoff.owner_id:
            return candidate
    return None


def _admins(config: HandshakeConfig) -> list[str]:
    return [p.slack_id for p in config.people if p.role == "admin"]
