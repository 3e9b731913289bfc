"""`/handshake summary`: a period's hand-offs in the caller's scope, in numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.campaigns import CampaignRow, campaign_rows
from bot.reports.common import FRACTIONS, Counts, ReasonCount, Timing, reason_counts
from bot.reports.periods import Period
from bot.reports.scope import ALL, TEAM, Scope
from bot.reports.stage import Stage, stage
from storage import reports as q
from storage.models import HANDED_BACK, REJECTED

REP_ROLES = ("ae", "sdr")


@dataclass(frozen=True)
class RepRow:
    slack_id: str
    name: str
    counts: Counts
    median_to_decision: float | None  # minutes


@dataclass(frozen=True)
class Summary:
    period: Period
    scope: Scope
    # Leads, company-wide: shown in everyone's view only (a lead has no owner until routed).
    received: int | None
    qualified: int | None
    nurtured: int | None
    counts: Counts  # hand-offs created in the period, in scope
    to_decision: Timing
    to_first_touch: Timing  # from Accept to the first touch
    reject_reasons: tuple[ReasonCount, ...]
    handback_reasons: tuple[ReasonCount, ...]
    reps: tuple[RepRow, ...]
    campaigns: tuple[CampaignRow, ...]
    wrong_owner_reasons: tuple[ReasonCount, ...] = ()  # routing errors: not "rejected"
    stage: Stage | None = None  # the SDR → AE stage; None when no meeting was booked


def summary(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> Summary:
    window = q.Window(period.start, period.end, scope.owner_filter)
    received = qualified = nurtured = None
    leads = None
    if scope.kind == ALL:
        leads = q.leads_received(window, session=session)
        received = sum(t.received for t in leads)
        nurtured = sum(t.nurtured for t in leads)
        qualified = received - nurtured
    tallies = q.reasons(window, session=session)
    # Outcomes and timings by owner in one pass over the hand-offs (two queries on PostgreSQL).
    owners, timings = q.owner_figures(window, session=session, now=now, fractions=FRACTIONS)
    decision, touch = timings.decision, timings.first_touch
    reps = rep_rows(
        window,
        session=session,
        config=config,
        scope=scope,
        now=now,
        decision=decision,
        outcomes=owners,
    )
    return Summary(
        period=period,
        scope=scope,
        received=received,
        qualified=qualified,
        nurtured=nurtured,
        counts=Counts.sum(r.counts for r in reps),  # every owner with hand-offs has a row
        to_decision=Timing.of(decision.get(None)),
        to_first_touch=Timing.of(touch.get(None)),
        reject_reasons=reason_counts(tallies, REJECTED, config),
        handback_reasons=reason_counts(tallies, HANDED_BACK, config),
        reps=reps,
        campaigns=campaign_rows(
            window, session=session, config=config, scope=scope, now=now, received=leads
        ),
        wrong_owner_reasons=reason_counts(tallies, REJECTED, config, wrong_owner=True),
        stage=stage(window, session=session, config=config),
    )


def rep_rows(
    window: q.Window,
    *,
    session: Session,
    config: HandshakeConfig,
    scope: Scope,
    now: datetime,
    decision: dict[str | None, q.Spread] | None = None,
    outcomes: list[q.Outcomes] | None = None,
) -> tuple[RepRow, ...]:
    """A row per person who got hand-offs in the window; a manager also sees their reps
    who got none. `decision`: decision_minutes by owner (median first), and `outcomes`:
    outcomes by owner, when fetched."""
    if outcomes is None:
        outcomes = q.outcomes(window, session=session, now=now, by="owner")
    by_owner = {o.key: o for o in outcomes}
    medians = decision
    if medians is None:
        medians = q.decision_minutes(window, session=session, fractions=(0.5,), by_owner=True)
    ids = set(by_owner)
    if scope.kind == TEAM:
        ids |= {p.slack_id for p in config.people if p.team in scope.teams and p.role in REP_ROLES}
    rows = []
    for slack_id in ids:
        person = config.person(slack_id)
        spread = medians.get(slack_id)
        rows.append(
            RepRow(
                slack_id,
                person.name if person else slack_id,
                Counts.of(by_owner.get(slack_id)),
                spread.values[0] if spread else None,
            )
        )
    rows.sort(key=lambda r: (-r.counts.handoffs, r.name))
    return tuple(rows)
