"""`/handshake routing [period]`: is the round robin fair? Per person over the period's
`routed` events: leads received (by any rule, and of them by round robin), the leads they
were expected to get (the sum of their weighted share of each lead that went round, as the
event recorded it), and how often they were passed over, by why (bot/domain/routing.py
SKIP_KINDS); with each person's weight now and a total per team.

The events' JSON is aggregated here, in Python (`storage/reports/routing.py` says why).
Scope: an admin sees every team, a manager the events of their teams' leads, a rep their
own line (their figures over every team's events); a marketer is refused (`routing_scope`):
who gets leads and who is skipped is a matter for the people who set the dials."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.routing import ROUND_ROBIN, SKIP_KINDS
from bot.domain.weights import effective_weight
from bot.reports.periods import Period
from bot.reports.scope import ALL, OWN, TEAM, Scope, scope_for
from bot.services.assign import weight_facts
from storage import people as people_store
from storage import reports as q

NO_TEAM = "(no team)"


@dataclass
class Tally:
    """One person's figures, added up event by event."""

    received: int = 0
    round_robin: int = 0  # of received
    expected: float = 0.0  # the sum of their shares
    skipped: dict[str, int] = field(default_factory=dict)  # kind → times passed over
    team: str | None = None  # the team of the latest event that named them

    def skips(self, kind: str) -> int:
        return self.skipped.get(kind, 0)


@dataclass(frozen=True)
class Line:
    slack_id: str  # "" for a team's total
    name: str
    weight_now: float | None  # None: not on the roster now, or a total
    received: int
    round_robin: int
    expected: float
    skipped: tuple[int, ...]  # counts in SKIP_KINDS order

    @property
    def difference(self) -> float:
        """Round-robin leads received less those expected: above 0, more than their share."""
        return self.round_robin - self.expected

    @property
    def ratio(self) -> float | None:
        return self.round_robin / self.expected if self.expected else None


@dataclass(frozen=True)
class TeamLines:
    team: str
    lines: tuple[Line, ...]
    total: Line


@dataclass(frozen=True)
class RoutingReport:
    period: Period
    scope: Scope
    teams: tuple[TeamLines, ...]
    events: int  # the routed events counted


def routing_scope(config: HandshakeConfig, viewer: str) -> Scope | None:
    """Whose figures `viewer` may see; None: not theirs to see (a marketer)."""
    scope = scope_for(config, viewer)
    return None if scope.read_only else scope


def tally(events: Iterable[Mapping[str, Any]]) -> dict[str, Tally]:
    """Each person's figures from `routed` event payloads, in the order given. Payloads
    from before the shares were recorded (or malformed ones) count what they can."""
    found: dict[str, Tally] = {}

    def of(slack_id: object, team: object) -> Tally | None:
        if not isinstance(slack_id, str) or not slack_id:
            return None
        t = found.setdefault(slack_id, Tally())
        if isinstance(team, str) and team:
            t.team = team
        return t

    for data in events:
        team = data.get("team")
        owner = of(data.get("owner"), team)
        if owner is not None:
            owner.received += 1
            owner.round_robin += int(data.get("rule") == ROUND_ROBIN)
        shares = data.get("shares")
        for slack_id, share in shares.items() if isinstance(shares, dict) else ():
            person = of(slack_id, team)
            if person is not None and isinstance(share, int | float) and 0 <= share <= 1:
                person.expected += float(share)
        skipped = data.get("skipped")
        for slack_id, kind in skipped.items() if isinstance(skipped, dict) else ():
            person = of(slack_id, team)
            if person is not None and kind in SKIP_KINDS:
                person.skipped[kind] = person.skipped.get(kind, 0) + 1
    return found


def in_scope(data: Mapping[str, Any], scope: Scope) -> bool:
    """A manager counts the events of their teams' leads; an admin and a rep all of them
    (a rep's view keeps only their own line)."""
    return scope.kind != TEAM or data.get("team") in scope.teams


def routing(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> RoutingReport:
    events = [
        e.data
        for e in q.routed_events(period.start, period.end, session=session)
        if in_scope(e.data, scope)
    ]
    tallies = tally(events)
    weights = {
        p.slack_id: effective_weight(weight_facts(p), now.date(), config.routing.quarter_end)
        for p in people_store.active_people(session=session)
    }
    teams = _group(_people(tallies, config, scope), tallies, config, scope, weights)
    return RoutingReport(period, scope, teams, len(events))


def _people(tallies: Mapping[str, Tally], config: HandshakeConfig, scope: Scope) -> list[str]:
    """The lines to show: whoever the events name, and everyone of the rotation (the
    first-line role) in the teams in view, so a person who got nothing shows as 0."""
    if scope.kind == OWN:
        return [scope.viewer]
    rotation = [
        p.slack_id
        for p in config.people
        if p.role == config.routing.first_line
        and p.team
        and (scope.kind == ALL or p.team in scope.teams)
    ]
    return list(dict.fromkeys([*rotation, *tallies]))


def _group(
    people: list[str],
    tallies: Mapping[str, Tally],
    config: HandshakeConfig,
    scope: Scope,
    weights: Mapping[str, float],
) -> tuple[TeamLines, ...]:
    position = {p.slack_id: i for i, p in enumerate(config.people)}
    by_team: dict[str, list[Line]] = {}
    for slack_id in sorted(people, key=lambda s: (position.get(s, len(position)), s)):
        t = tallies.get(slack_id, Tally())
        person = config.person(slack_id)
        team = person.team if person and person.team else None
        if team is None or (scope.kind == TEAM and team not in scope.teams):
            team = t.team or team  # moved or off the roster: where their leads were
        skipped = tuple(t.skips(kind) for kind in SKIP_KINDS)
        line = Line(
            slack_id,
            person.name if person else slack_id,
            weights.get(slack_id),
            t.received,
            t.round_robin,
            t.expected,
            skipped,
        )
        by_team.setdefault(team or NO_TEAM, []).append(line)
    order = [t.name for t in config.teams]
    names = [n for n in order if n in by_team] + sorted(set(by_team) - set(order))
    return tuple(TeamLines(n, tuple(by_team[n]), _total(by_team[n])) for n in names)


def _total(lines: list[Line]) -> Line:
    return Line(
        "",
        "Team total",
        None,
        sum(x.received for x in lines),
        sum(x.round_robin for x in lines),
        sum(x.expected for x in lines),
        tuple(sum(x.skipped[i] for x in lines) for i in range(len(SKIP_KINDS))),
    )
