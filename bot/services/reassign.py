"""Take a lead from an owner who did not decide, and give it to the next person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.routing import MANAGER_FALLBACK, Rep, next_in_rotation
from bot.integrations.events import decision_data, handoff_data
from bot.services import notify
from bot.services.assign import create_handoff, reps
from bot.services.outgoing import emit
from bot.services.sla_clock import stop_decision_clock
from storage import outbox
from storage.channel_cards import share_channel_card
from storage.events import log_event
from storage.handoffs import claim_decision, handoffs_for_lead
from storage.leads import get_lead
from storage.models import REASSIGNED, Handoff, Lead
from storage.people import get_person

REASSIGNED_RULE = "reassigned"
PICKED_RULE = "picked"  # a manager chose someone else than the suggested person


@dataclass(frozen=True)
class NextOwner:
    """Who an automatic reassignment gives the lead to, and who else may take it."""

    owner: str
    rule: str  # REASSIGNED_RULE or MANAGER_FALLBACK
    team: str
    rotation: tuple[Rep, ...]  # same team and role as the old owner, roster order
    held: frozenset[str]  # everyone who held the lead


def next_owner(
    handoff: Handoff, lead: Lead, *, session: Session, config: HandshakeConfig, now: datetime
) -> NextOwner:
    """The next eligible person of the old owner's team and role who has not held the lead
    (routing's rotation), else the team's manager. The picker's suggestion is this too."""
    held = frozenset(h.owner_id for h in handoffs_for_lead(lead.id or 0, session=session))
    people = reps(session, now, config)
    old = next((p for p in people if p.slack_id == handoff.owner_id), None) or get_person(
        handoff.owner_id, session=session
    )  # an owner who left the roster is no longer among the active
    rotation = sorted(
        (p for p in people if old and p.team == old.team and p.role == old.role),
        key=lambda p: p.position,
    )
    chosen = next_in_rotation(rotation, handoff.owner_id, held, now.date())
    team = (config.team(handoff.team) if handoff.team else None) or config.team_for_country(
        lead.country
    )
    owner, rule = (chosen.slack_id, REASSIGNED_RULE) if chosen else (team.manager, MANAGER_FALLBACK)
    return NextOwner(owner, rule, team.name, tuple(rotation), held)


def reassign(
    handoff: Handoff,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    actor: str,
    reason: str,
    to: str | None = None,
) -> Handoff | None:
    """The old hand-off ends `reassigned`; a new one (fresh clock) goes to `to` (a
    manager's pick: rule PICKED_RULE unless it is the suggested one), else to the next
    eligible person of the same team and role who has not held the lead, else to the
    manager. None when someone decided first."""
    assert handoff.id is not None
    if not claim_decision(
        handoff.id, session=session, status=REASSIGNED, decided_by=actor, decided_at=now
    ):
        return None
    session.refresh(handoff)
    handoff.reassign_reason = reason
    session.add(handoff)
    stop_decision_clock(handoff.id, session=session, now=now, why="reassigned")
    lead = get_lead(handoff.lead_id, session=session)
    assert lead is not None
    auto = next_owner(handoff, lead, session=session, config=config, now=now)
    owner, rule = auto.owner, auto.rule
    if to is not None and to != auto.owner:
        owner, rule = to, PICKED_RULE
    new = create_handoff(
        lead,
        owner=owner,
        rule=rule,
        team=auto.team,
        session=session,
        config=config,
        now=now,
        signals=list(handoff.signals or []),
        previous=handoff,
    )
    log_event(
        "reassigned",
        session=session,
        at=now,
        actor=actor,
        lead_id=lead.id,
        handoff_id=handoff.id,
        new_handoff_id=new.id,
        new_owner=owner,
        rule=rule,
        reason=reason,
    )
    outbox.update_cards(handoff.id, session=session, now=now)
    # The new hand-off lives on the original channel card (redrawn by update_cards above;
    # the thread note below goes under it): no second channel card.
    outbox.post_cards(new.id or 0, session=session, now=now, targets=("owner",))
    share_channel_card(new, handoff, session=session)
    emit(
        "handoff.reassigned",
        session=session,
        config=config,
        now=now,
        lead=lead,
        handoff=handoff,
        decision=decision_data(config, handoff),
        extra={"next_handoff": handoff_data(config, new)},
    )
    notify.thread_note(
        "reassigned",
        handoff.id,
        session=session,
        now=now,
        owner=handoff.owner_id,
        new_owner=owner,
        reason=reason,
    )
    if rule == MANAGER_FALLBACK:
        notify.dm(
            "manager_fallback",
            owner,
            new.id or 0,
            session=session,
            now=now,
            previous_owner=handoff.owner_id,
            reason=reason,
        )
    return new
