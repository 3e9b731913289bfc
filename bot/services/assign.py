"""Create a hand-off: route the lead, write the hand-off, the event and the card posts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.availability import AvailabilityFacts, unavailable_now
from bot.domain.calendar import calendar_for
from bot.domain.routing import OFF_SHIFT, Rep, RouteDecision, RouteRequest, Skip, route
from bot.domain.weights import WeightFacts, effective_weight
from bot.services.outgoing import emit
from bot.services.sla_clock import start_clock
from storage import channel_cards, outbox
from storage import leads as lead_store
from storage import people as people_store
from storage.events import log_event
from storage.handoffs import handoffs_for_lead
from storage.intake_batch import PersonRow
from storage.models import LEAD_ROUTED, PENDING, Handoff, Lead, Person


@dataclass(frozen=True)
class Assignment:
    handoff: Handoff
    decision: RouteDecision  # the rule and the notes on why earlier rules fell through


def assign(
    lead: Lead,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    signals: list[str],
    actor: str = "system",
    previous: Handoff | None = None,
    exclude_previous_owners: bool = False,
    prefer_email: str | None = None,
    share_channel_card: bool = False,
) -> Assignment:
    """Route `lead` to its owner and queue both cards, with the routing decision that chose
    the owner. The caller commits. `share_channel_card` (a re-route): the new hand-off
    lives on `previous`'s channel card instead of posting a second one."""
    assert lead.id is not None
    team = config.team_for_country(lead.country)
    role = config.routing.first_line
    exclude: frozenset[str] = frozenset()
    if exclude_previous_owners:
        exclude = frozenset(h.owner_id for h in handoffs_for_lead(lead.id, session=session))
    cursor = people_store.lock_cursor(team.name, role, session=session)
    people = reps(session, now, config)
    account = (
        lead_store.account_owner(lead.account_domain, lead.id, session=session)
        if lead.account_domain
        else None
    )
    decision = route(
        RouteRequest(
            owner_email=prefer_email or lead.owner_email,  # prefer: a re-engaged lead's rep
            team=team.name,
            team_manager=team.manager,
            first_line_role=role,
            account_owner=account,
            cursor=cursor.last_slack_id,
            exclude=exclude,
            passes=cursor.passes,
        ),
        people,
        now.date(),
    )
    cursor.last_slack_id = decision.cursor
    if decision.passes is not None:
        cursor.passes = dict(decision.passes)
    session.add(cursor)
    handoff = create_handoff(
        lead,
        owner=decision.owner,
        rule=decision.rule,
        team=decision.team,
        session=session,
        config=config,
        now=now,
        signals=signals,
        previous=previous,
    )
    log_event(
        "routed",
        session=session,
        at=now,
        actor=actor,
        lead_id=lead.id,
        handoff_id=handoff.id,
        owner=decision.owner,
        rule=decision.rule,
        team=decision.team,
        notes=list(decision.notes),
        contract_version=handoff.contract_version,
        signals=signals,
        previous_handoff_id=previous.id if previous else None,
        **fairness(decision),
    )
    if share_channel_card and previous is not None:
        outbox.post_cards(handoff.id or 0, session=session, now=now, targets=("owner",))
        channel_cards.share_channel_card(handoff, previous, session=session)
    else:
        outbox.post_cards(handoff.id or 0, session=session, now=now)
    emit("lead.routed", session=session, config=config, now=now, lead=lead, handoff=handoff)
    return Assignment(handoff, decision)


def create_handoff(
    lead: Lead,
    *,
    owner: str,
    rule: str,
    team: str | None,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    signals: list[str],
    previous: Handoff | None,
) -> Handoff:
    """A pending hand-off with its clock running; the caller queues the cards."""
    handoff = Handoff(
        lead_id=lead.id or 0,
        owner_id=owner,
        team=team,
        rule=rule,
        contract_version=config.contract.version,
        signals=signals,
        status=PENDING,
        created_at=now,
        due_at=now + config.sla.respond_within,  # start_clock sets the real deadline
        previous_id=previous.id if previous else None,
    )
    session.add(handoff)
    lead.status, lead.revisit_at, lead.updated_at = LEAD_ROUTED, None, now  # in play again
    session.add(lead)
    session.flush()
    start_clock(handoff, lead, session=session, config=config, now=now)
    return handoff


def fairness(decision: RouteDecision) -> dict[str, Any]:
    """What the `routed` event keeps for the routing report: each available person's
    weighted share of a lead that went round, and who was passed over and why (kind)."""
    found: dict[str, Any] = {}
    if decision.shares:
        found["shares"] = {k: round(v, 6) for k, v in decision.shares.items()}
    if decision.skipped:
        found["skipped"] = {k: skip.kind for k, skip in decision.skipped.items()}
    return found


def reps(session: Session, now: datetime, config: HandshakeConfig) -> list[Rep]:
    return reps_of(
        people_store.active_people(session=session), session=session, now=now, config=config
    )


def reps_of(
    people: Sequence[Person | PersonRow],
    *,
    session: Session,
    now: datetime,
    config: HandshakeConfig,
) -> list[Rep]:
    """`people` as routing sees them right now: their weight of the day, whatever makes
    them unavailable (`bot.domain.availability`), and today's hand-offs (in the config's
    time zone) of those who have a daily cap: only a cap needs the day's count, which a
    bulk import would otherwise count again for each lead."""
    capped = [p.slack_id for p in people if p.capacity_per_day is not None]
    today_counts = people_store.handoff_counts_since(
        day_start(now, config.timezone), session=session, owners=capped
    )
    boost = config.routing.quarter_end
    found = [
        Rep(
            slack_id=p.slack_id,
            email=p.email,
            role=p.role,
            team=p.team,
            position=p.position,
            away_until=p.away_until,
            capacity_per_day=p.capacity_per_day,
            assigned_today=today_counts.get(p.slack_id, 0),
            weight=effective_weight(
                weight_facts(p), local_day(now, p.tz or config.timezone), boost
            ),
            out=unavailable_now(availability_facts(p), now),
            own_today=local_day(now, p.tz or config.timezone),
        )
        for p in people
    ]
    if not config.routing.on_shift_only:
        return found
    # Off shift only when nothing else keeps them out: an absence is reported as one.
    tz_of = {p.slack_id: p.tz for p in people}
    return [
        rep
        if rep.skip(now.date()) is not None
        else dataclasses.replace(rep, out=off_shift(tz_of[rep.slack_id], now, config))
        for rep in found
    ]


def off_shift(tz: str | None, now: datetime, config: HandshakeConfig) -> Skip | None:
    """With `routing.on_shift_only`: outside the person's working hours (business hours in
    their time zone) right now."""
    if not config.routing.on_shift_only:
        return None
    calendar = calendar_for(config, tz)
    if calendar.is_working(now):
        return None
    starts = calendar.next_working(now).isoformat(timespec="minutes")
    return Skip(OFF_SHIFT, f"off shift until {starts}")


def weight_facts(p: Person | PersonRow) -> WeightFacts:
    return WeightFacts(
        role=p.role,
        weight=p.weight,
        dial_weight=p.dial_weight,
        dial_until=p.dial_until,
        ramp_start=p.ramp_start,
        ramp_weeks=p.ramp_weeks,
    )


def availability_facts(p: Person | PersonRow) -> AvailabilityFacts:
    return AvailabilityFacts(
        away_from=p.away_from,
        away_to=p.away_to,
        status_away=p.status_away,
        status_text=getattr(p, "status_text", None),
        deactivated=p.deactivated,
    )


def local_day(now: datetime, tz: str) -> date:
    """`now`'s date in `tz`: a dial's last day, a ramp and a quarter end are the person's days
    (as the dial's end job and Home count them)."""
    try:
        return now.astimezone(ZoneInfo(tz)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()


def day_start(now: datetime, tz: str) -> datetime:
    """Midnight of `now`'s day in `tz`: daily capacity counts from there."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
