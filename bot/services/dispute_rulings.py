"""The ruling on a dispute (issue 14 §1): the owner's manager or an admin upholds or
overturns it, with an optional note; the first ruling wins. Overturn sends the lead to the
next eligible person who has not held it (`assign`, as a wrong-owner reject does); the
decision then stops counting against marketing (storage/disputes.not_overturned). Each
side is told, the thread and the card show it, and the Uphold / Overturn DMs settle."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.runtime import Runtime
from bot.services import notify
from bot.services.assign import assign
from bot.services.dispute_events import emit_dispute
from bot.services.disputes import (
    ALREADY,
    BUTTON_TEMPLATES,
    DISPUTE_TIMERS,
    NOT_FOUND,
    OK,
    OUTCOME_DM,
    OVERTURN,
    RECORDED,
    REFUSED,
    UPHOLD,
    DisputeOutcome,
    may_rule,
)
from storage import outbox
from storage.db import unit_of_work
from storage.disputes import claim_ruling, get_dispute
from storage.events import log_event, log_refused
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.leads import get_lead
from storage.models import DISPUTE_OPEN, Dispute, Handoff
from storage.timers import cancel_timers


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
    if not may_rule(config, handoff.owner_id, actor_id, dispute.manager_id):
        log_refused(session, handoff, actor_id, "rule_dispute", now)
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
            if ruling == OVERTURN and not _moved_on(session, handoff)
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
        emit_dispute("dispute.settled", handoff, dispute, session=session, config=config, now=now)
        return DisputeOutcome(RECORDED, handoff, dispute, checked.lead_label, new)


def _moved_on(session: Session, handoff: Handoff) -> bool:
    """The lead has a later hand-off than the disputed one (re-engaged from nurture, or
    sent in again): it is back with sales, so an Overturn has nobody to re-route it to."""
    latest = handoffs_for_lead(handoff.lead_id, session=session)
    return bool(latest) and latest[-1].id != handoff.id


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
