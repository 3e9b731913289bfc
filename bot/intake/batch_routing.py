"""The routing state of a run of new leads (bot/intake/batch.py): what
`services.assign.assign` reads for each lead, read once for the run and moved in memory as
its leads are routed, so each lead is routed exactly as it would have been alone."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.calendar import WorkCalendar, calendar_for
from bot.domain.routing import Rep, RouteRequest, route
from bot.domain.sla import deadlines, select_sla
from bot.services.assign import fairness, reps_of
from storage import intake_batch as store


@dataclass
class Routed:
    """What one routed lead of a run needs written."""

    key: tuple[str, str]
    owner: str
    rule: str
    team: str
    notes: tuple[str, ...]
    fairness: dict[str, Any]  # the `routed` event's shares and skips (services/assign.fairness)
    signals: list[str]
    due_at: datetime  # the reminder: the hand-off's deadline
    escalate_at: datetime
    reassign_at: datetime
    tier: str | None
    manager: str | None


class RoutingState:
    """The roster, today's counts, the cursors and the account owners a run routes against,
    kept up to date as the run's leads are routed."""

    def __init__(
        self,
        config: HandshakeConfig,
        now: datetime,
        reps: list[Rep],
        tz_of: dict[str, str | None],
        cursors: dict[tuple[str, str], store.CursorState],
        accounts: dict[str, store.LatestHandoff],
    ) -> None:
        self.config, self.now = config, now
        self.reps = reps
        self.tz_of = tz_of
        self.before = dict(cursors)
        self.cursors = cursors
        # account domain → (created, owner, accepted) of the hand-off that makes its owner
        self.accounts: dict[str, tuple[datetime | None, str, bool]] = {
            domain: (latest.created_at, latest.owner_id, latest.accepted)
            for domain, latest in accounts.items()
        }
        self.calendars: dict[str, WorkCalendar] = {}

    @classmethod
    def load(
        cls,
        rows: list[dict[str, Any]],
        *,
        session: Session,
        config: HandshakeConfig,
        now: datetime,
    ) -> RoutingState:
        if not rows:
            return cls(config, now, [], {}, {}, {})
        role = config.routing.first_line
        teams = {(config.team_for_country(row["country"]).name, role) for row in rows}
        # The cursors first, as `services.assign` does: another instance routing to these
        # teams commits before the roster and today's counts below are read, so a daily
        # cap holds across instances.
        cursors = store.lock_cursors(teams, session=session)
        people = store.people(session=session)
        active = [p for p in people if p.active]
        reps = reps_of(active, session=session, now=now, config=config)
        domains = {row["account_domain"] for row in rows if row["account_domain"]}
        accounts = store.latest_handoffs_by_domain(domains, session=session)
        tz_of = {p.slack_id: p.tz for p in people}
        return cls(config, now, reps, tz_of, cursors, accounts)

    def route(self, row: dict[str, Any], signals: list[str]) -> Routed:
        """`services.assign.assign` for a new lead, against the run's state."""
        config, now = self.config, self.now
        team = config.team_for_country(row["country"])
        role = config.routing.first_line
        domain = row["account_domain"]
        account = self.accounts.get(domain) if domain else None
        cursor_key = (team.name, role)
        cursor = self.cursors.get(cursor_key) or store.CursorState()
        decision = route(
            RouteRequest(
                owner_email=row["owner_email"],
                team=team.name,
                team_manager=team.manager,
                first_line_role=role,
                account_owner=account[1] if account else None,
                cursor=cursor.last,
                exclude=frozenset(),
                passes=cursor.passes,
            ),
            self.reps,
            now.date(),
        )
        self.cursors[cursor_key] = store.CursorState(
            decision.cursor, cursor.passes if decision.passes is None else dict(decision.passes)
        )
        self._assigned(decision.owner)
        if domain and not self._keeps_owner(self.accounts.get(domain)):
            # this run's hand-off: created now, newest id, pending
            self.accounts[domain] = (None, decision.owner, False)
        times = select_sla(config.sla, row)
        calendar = self._calendar(decision.owner)
        due = deadlines(now, times, calendar, calendar)
        return Routed(
            key=(row["source"], row["external_id"]),
            owner=decision.owner,
            rule=decision.rule,
            team=decision.team,
            notes=decision.notes,
            fairness=fairness(decision),
            signals=signals,
            due_at=due.remind,
            escalate_at=due.escalate,
            reassign_at=due.reassign,
            tier=times.tier,
            manager=config.manager_of(decision.owner),
        )

    def save(self, *, session: Session) -> None:
        store.save_cursors(self.cursors, self.before, session=session)

    def _assigned(self, owner: str) -> None:
        """One more hand-off today for `owner` (only a daily cap counts them)."""
        for i, rep in enumerate(self.reps):
            if rep.slack_id == owner and rep.capacity_per_day is not None:
                self.reps[i] = dataclasses.replace(rep, assigned_today=rep.assigned_today + 1)

    def _keeps_owner(self, latest: tuple[datetime | None, str, bool] | None) -> bool:
        """An accepted hand-off outranks a new pending one; a stored hand-off created after
        `now` (a clock set back) stays the latest."""
        if latest is None:
            return False
        if latest[2]:
            return True
        if latest[0] is None:
            return False
        created = latest[0]
        if created.tzinfo is None:
            return created > self.now.astimezone(UTC).replace(tzinfo=None)
        return created > self.now

    def _calendar(self, slack_id: str) -> WorkCalendar:
        if slack_id not in self.calendars:
            self.calendars[slack_id] = calendar_for(self.config, self.tz_of.get(slack_id))
        return self.calendars[slack_id]
