"""Disputes: a marketer (or an admin) challenges a Reject or Hand back; the owner's manager
(or an admin) upholds or overturns it. Overturn sends the lead to the next eligible person
who has not held it (`assign`, as a wrong-owner reject does) and the decision stops
counting against marketing (storage/disputes.not_overturned). One dispute per decision.

Each change is one transaction: the dispute row, the event, the thread reply, the DMs, the
card updates and the dispute's timers (fired by services/dispute_sla.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.runtime import Runtime
from bot.services import notify
from bot.services.assign import assign
from storage import outbox
from storage.db import unit_of_work
from storage.disputes import add_dispute, claim_ruling, dispute_for_handoff, get_dispute
from storage.events import log_event
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import (
    DISPUTE_ESCALATE,
    DISPUTE_OPEN,
    DISPUTE_OVERTURNED,
    DISPUTE_REMIND,
    DISPUTE_UPHELD,
    HANDED_BACK,
    LEAD_ROUTED,
    REJECTED,
    Dispute,
    Handoff,
)
from storage.timers import add_timer, cancel_timers

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


def may_rule(config: HandshakeConfig, owner_id: str, actor_id: str) -> bool:
    """The owner's manager or an admin; never the owner, whose decision it is."""
    if actor_id == owner_id:
        return False
    if actor_id == config.manager_of(owner_id):
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
        _refused(session, handoff, actor_id, "dispute", now)
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
        team = config.team(handoff.team) if handoff.team else None
        manager = config.manager_of(handoff.owner_id) or (team.manager if team else None)
        dispute = add_dispute(
            Dispute(
                handoff_id=handoff_id,
                lead_id=handoff.lead_id,
                disputed_by=actor_id,
                why=why,
                manager_id=manager or _admins(config)[0],
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
        return DisputeOutcome(RECORDED, handoff, dispute, lead_label=checked.lead_label)


def _start_clock(
    dispute: Dispute, *, session: Session, config: HandshakeConfig, now: datetime
) -> None:
    """The manager nudged at `sla.dispute_within`, each admin told at twice that."""
    within = config.sla.dispute_within
    about = {"session": session, "now": now, "dispute_id": dispute.id}
    add_timer(
        DISPUTE_REMIND, dispute.handoff_id, now + within, recipient=dispute.manager_id, **about
    )
    for admin in _admins(config):
        if admin != dispute.manager_id:
            add_timer(
                DISPUTE_ESCALATE, dispute.handoff_id, now + 2 * within, recipient=admin, **about
            )


def _admins(config: HandshakeConfig) -> list[str]:
    return [p.slack_id for p in config.people if p.role == "admin"]


def check_ruler(
    dispute_id: int, actor_id: str, *, runtime: Runtime, now: datetime | None = None
) -> DisputeOutcome:
    """Before opening the note form: may this person rule, and is the dispute still open?"""
    now = now or runtime.clock()
    with unit_of_work(runtime.engine) as session:
        return _check_ruler(session, runtime.config, dispute_id, actor_id, now)


def _check_ruler(
    session: Session, config: HandshakeConfig, dispute_id: int, actor_id: str, now: datetime
) -> DisputeOutcome:
    dispute = get_dispute(dispute_id, session=session)
    handoff = get_handoff(dispute.handoff_id, session=session) if dispute else None
    if dispute is None or handoff is None:
        return DisputeOutcome(NOT_FOUND)
    lead = get_lead(handoff.lead_id, session=session)
    label = lead_label(lead) if lead else None
    if not may_rule(config, handoff.owner_id, actor_id):
        _refused(session, handoff, actor_id, "rule_dispute", now)
        return DisputeOutcome(REFUSED, handoff, dispute, lead_label=label)
    if dispute.status != DISPUTE_OPEN:
        return DisputeOutcome(ALREADY, handoff, dispute, lead_label=label)
    return DisputeOutcome(OK, handoff, dispute, lead_label=label)


def rule(
    dispute_id: int,
    actor_id: str,
    ruling: str,
    *,
    runtime: Runtime,
    note: str | None = None,
    now: datetime | None = None,
) -> DisputeOutcome:
    """Uphold or overturn; the first ruling wins. Overturn re-routes the lead."""
    if ruling not in (UPHOLD, OVERTURN):
        raise ValueError(f"unknown ruling {ruling!r}")
    config, now = runtime.config, now or runtime.clock()
    note = (note or "").strip()[:NOTE_MAX_LENGTH] or None
    with unit_of_work(runtime.engine) as session:
        checked = _check_ruler(session, config, dispute_id, actor_id, now)
        if checked.result != OK or checked.handoff is None or checked.dispute is None:
            return checked
        handoff, dispute = checked.handoff, checked.dispute
        won = claim_ruling(
            dispute_id,
            session=session,
            status=ruling,
            settled_by=actor_id,
            settled_at=now,
            note=note,
        )
        session.refresh(dispute)
        if not won:
            return DisputeOutcome(ALREADY, handoff, dispute, lead_label=checked.lead_label)
        new = (
            _overturn(session, config, handoff, dispute, actor_id, now)
            if ruling == OVERTURN
            else None
        )
        log_event(
            "dispute_settled",
            session=session,
            at=now,
            actor=actor_id,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            dispute_id=dispute_id,
            ruling=ruling,
            note=note,
            new_handoff_id=new.id if new else None,
            new_owner=new.owner_id if new else None,
        )
        cancel_timers(
            dispute.handoff_id,
            session=session,
            now=now,
            kinds=DISPUTE_TIMERS,
            note=f"{ruling} by {actor_id}",
        )
        about = {"session": session, "now": now, "dispute_id": dispute_id}
        notify.thread_note("dispute_settled", dispute.handoff_id, **about)
        for told in dict.fromkeys((dispute.disputed_by, handoff.owner_id)):
            if told != actor_id:
                notify.dm(OUTCOME_DM, told, dispute.handoff_id, **about)
        for dm_id in ruling_dms(dispute.handoff_id, session=session):
            outbox.enqueue(
                outbox.UPDATE_DM, "dm", session=session, now=now,
                handoff_id=dispute.handoff_id, payload={"dm": dm_id},
            )  # fmt: skip
        outbox.refresh_cards(dispute.handoff_id, session=session, now=now)
        return DisputeOutcome(RECORDED, handoff, dispute, checked.lead_label, new)


def _overturn(
    session: Session,
    config: HandshakeConfig,
    handoff: Handoff,
    dispute: Dispute,
    actor_id: str,
    now: datetime,
) -> Handoff:
    """The lead goes to the next eligible person who has not held it, with a fresh clock."""
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    lead.status, lead.revisit_at, lead.updated_at = LEAD_ROUTED, None, now
    session.add(lead)
    new = assign(
        lead,
        session=session,
        config=config,
        now=now,
        signals=list(handoff.signals or []),
        actor=actor_id,
        previous=handoff,
        exclude_previous_owners=True,
    ).handoff
    dispute.new_handoff_id = new.id
    session.add(dispute)
    return new


def ruling_dms(handoff_id: int, *, session: Session) -> list[int]:
    """The DMs with Uphold / Overturn about this hand-off's dispute."""
    return [
        row.id
        for row in outbox.dm_rows(handoff_id, session=session)
        if row.id is not None and (row.payload or {}).get("template") in BUTTON_TEMPLATES
    ]


def _refused(session: Session, handoff: Handoff, actor_id: str, action: str, now: datetime) -> None:
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
