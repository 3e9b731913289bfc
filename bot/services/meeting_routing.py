"""Which AE the booking form suggests: what bot/domain/meetings.route_ae needs, loaded, and
the AE rotation's cursor moved when a meeting is booked by round robin."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.meetings import AE, CURSOR_ROLE, AeRequest, route_ae
from bot.domain.routing import MANAGER_FALLBACK, Rep, RouteDecision
from bot.services.assign import day_start, reps
from storage.leads import account_owner
from storage.meetings import meeting_ae_of_domain, meeting_counts_since, meetings_for_handoff
from storage.models import MEETING_SENT_BACK, Handoff, Lead
from storage.people import lock_cursor


@dataclass(frozen=True)
class AeChoice:
    slack_id: str
    label: str  # "Ana Alvarez · enterprise"


def sdr_team(config: HandshakeConfig, handoff: Handoff) -> tuple[str, str]:
    """(team, manager) of the SDR holding the hand-off (else the hand-off's team)."""
    person = config.person(handoff.owner_id)
    name = (person.team if person else None) or handoff.team or config.teams[0].name
    team = config.team(name) or config.teams[0]
    return team.name, team.manager


def ae_reps(*, session: Session, config: HandshakeConfig, now: datetime) -> list[Rep]:
    """Everyone as routing sees them; an AE's day counts the meetings given to them too."""
    people = reps(session, now, config)
    capped = [r.slack_id for r in people if r.role == AE and r.capacity_per_day is not None]
    since = day_start(now, config.timezone)
    meetings = meeting_counts_since(since, session=session, aes=capped)
    return [
        replace(r, assigned_today=r.assigned_today + meetings[r.slack_id])
        if r.slack_id in meetings
        else r
        for r in people
    ]


def account_ae(lead: Lead, people: list[Rep], *, session: Session) -> str | None:
    """An AE who already holds the company's domain: the AE of its latest open meeting,
    else the AE who owned its latest hand-off (the first hand-off's "account" rule)."""
    if not lead.account_domain or lead.id is None:
        return None
    met = meeting_ae_of_domain(lead.account_domain, lead.id, session=session)
    if met is not None:
        return met[0]
    aes = [r.slack_id for r in people if r.role == AE]
    return account_owner(lead.account_domain, lead.id, session=session, among=aes)


def suggest_ae(
    handoff: Handoff, lead: Lead, *, session: Session, config: HandshakeConfig, now: datetime
) -> RouteDecision:
    team, manager = sdr_team(config, handoff)
    people = ae_reps(session=session, config=config, now=now)
    cursor = lock_cursor(team, CURSOR_ROLE, session=session)
    earlier = meetings_for_handoff(handoff.id, session=session) if handoff.id else []
    last = earlier[-1] if earlier else None
    request = AeRequest(
        team=team,
        team_manager=manager,
        account_owner=account_ae(lead, people, session=session),
        cursor=cursor.last_slack_id,
        sent_back_by=last.ae_id if last and last.status == MEETING_SENT_BACK else None,
        passes=cursor.passes,
    )
    return route_ae(request, people, now.date())


def advance_cursor(
    handoff: Handoff,
    lead: Lead,
    ae_id: str,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
) -> None:
    """A meeting booked by round robin: the AE rotation moves on (its passes too, when the
    AE booked is still the one the rotation gives now)."""
    suggested = suggest_ae(handoff, lead, session=session, config=config, now=now)
    team, _ = sdr_team(config, handoff)
    cursor = lock_cursor(team, CURSOR_ROLE, session=session)
    cursor.last_slack_id = ae_id
    if suggested.owner == ae_id and suggested.passes is not None:
        cursor.passes = dict(suggested.passes)
    session.add(cursor)


def ae_choices(
    config: HandshakeConfig, active: set[str], suggested: RouteDecision
) -> list[AeChoice]:
    """The AEs to pick from (active, roster order), and the manager when routing fell back
    to them."""
    choices = [
        AeChoice(p.slack_id, f"{p.name} · {p.team}" if p.team else p.name)
        for p in config.people
        if p.role == AE and p.slack_id in active
    ]
    if suggested.rule == MANAGER_FALLBACK:
        manager = config.person(suggested.owner)
        name = manager.name if manager else suggested.owner
        choices.insert(0, AeChoice(suggested.owner, f"{name} (manager)"))
    return choices


def may_get_meeting(
    config: HandshakeConfig, active: set[str], ae_id: str, *, manager: str, rule: str | None
) -> bool:
    """An active AE of the roster; or the SDR's manager, when routing fell back to them."""
    person = config.person(ae_id)
    if person is not None and person.role == AE and ae_id in active:
        return True
    return rule == MANAGER_FALLBACK and ae_id == manager and ae_id in active
