"""On-shift routing (`routing.on_shift_only`): a new lead that arrives when nobody who could
take it is on shift waits (lead status `waiting`, a `LeadWait` row) until the first of them
starts, or until `routing.max_wait` has passed; the tick then routes it through `assign`,
to whoever is on shift by then, else to the team's manager."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.availability import aware
from bot.domain.calendar import calendar_for
from bot.domain.routing import MANAGER_FALLBACK, OFF_SHIFT, RouteRequest, route
from bot.runtime import Runtime
from bot.services.assign import assign, reps_of
from storage import leads as lead_store
from storage import people as people_store
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import handoffs_for_lead
from storage.lead_waits import add_wait, claim_wait, due_waits
from storage.models import LEAD_WAITING, Lead, LeadWait

log = logging.getLogger("handshake.shift")
ACTOR = "shift_wait"


def first_shift_start(
    lead: Lead, *, session: Session, config: HandshakeConfig, now: datetime
) -> datetime | None:
    """None when `lead` can be routed now: on-shift routing is off, or someone who could
    take it (CRM owner, account owner, the rotation) is on shift, or nobody of the
    rotation is merely off shift (all away or full: the manager, as ever). Otherwise when
    the first of those off shift starts."""
    if not config.routing.on_shift_only:
        return None
    team = config.team_for_country(lead.country)
    people = people_store.active_people(session=session)
    reps = reps_of(people, session=session, now=now, config=config)
    account = (
        lead_store.account_owner(lead.company_domain, lead.id or 0, session=session)
        if lead.company_domain
        else None
    )
    request = RouteRequest(
        owner_email=lead.owner_email,
        team=team.name,
        team_manager=team.manager,
        first_line_role=config.routing.first_line,
        account_owner=account,
        cursor=None,
    )
    decision = route(request, reps, now.date())
    off = {k for k, skip in decision.skipped.items() if skip.kind == OFF_SHIFT}
    if decision.rule != MANAGER_FALLBACK or not off:
        return None
    return min(calendar_for(config, p.tz).next_working(now) for p in people if p.slack_id in off)


def wait_for_shift(
    lead: Lead,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    signals: list[str],
    actor: str,
) -> datetime | None:
    """Park `lead` until the first shift starts (or max_wait), if nobody is on shift: the
    time it will be looked at again; None: route it now."""
    starts = first_shift_start(lead, session=session, config=config, now=now)
    if starts is None:
        return None
    give_up = now + config.routing.max_wait
    wait = add_wait(
        lead.id or 0,
        session=session,
        arrived_at=now,
        give_up_at=give_up,
        due_at=starts,
        signals=signals,
    )
    lead.status, lead.revisit_at, lead.updated_at = LEAD_WAITING, None, now
    session.add(lead)
    log_event(
        "waiting",
        session=session,
        at=now,
        actor=actor,
        lead_id=lead.id,
        until=wait.due_at.isoformat(),
        give_up_at=give_up.isoformat(),
    )
    return wait.due_at


def fire_waits(runtime: Runtime, *, now: datetime | None = None, batch: int = 100) -> int:
    """Route each waiting lead whose time has come, once: how many were routed."""
    config = runtime.config
    now = now or runtime.clock()
    routed = 0
    with unit_of_work(runtime.engine) as session:
        for wait in due_waits(now, batch, session=session):
            try:
                with session.begin_nested():  # one bad lead holds up no other
                    routed += _fire(wait, session=session, config=config, now=now)
            except Exception:
                log.exception("waiting lead=%s not routed; tried again next tick", wait.lead_id)
    return routed


def _fire(wait: LeadWait, *, session: Session, config: HandshakeConfig, now: datetime) -> int:
    if not claim_wait(wait.id or 0, session=session, now=now):
        return 0  # another instance has it
    lead = lead_store.get_lead(wait.lead_id, session=session)
    if lead is None or lead.status != LEAD_WAITING:
        return 0
    signals = list(wait.signals or [])
    if now < aware(wait.give_up_at):
        starts = first_shift_start(lead, session=session, config=config, now=now)
        if starts is not None:  # whoever was to start is away now: wait on
            add_wait(
                lead.id or 0,
                session=session,
                arrived_at=aware(wait.arrived_at),
                give_up_at=aware(wait.give_up_at),
                due_at=starts,
                signals=signals,
            )
            return 0
    earlier = handoffs_for_lead(lead.id or 0, session=session)
    done = assign(
        lead,
        session=session,
        config=config,
        now=now,
        signals=signals,
        actor=ACTOR,
        previous=earlier[-1] if earlier else None,
    )
    log.info("waited lead=%s owner=%s rule=%s", lead.id, done.handoff.owner_id, done.decision.rule)
    return 1
