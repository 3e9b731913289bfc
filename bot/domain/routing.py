"""Who gets a lead: CRM owner, account owner, round robin, else the team's manager.

Pure: the caller loads the people, the account owner and the rotation cursor, and
stores the decision (and the new cursor) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

CRM_OWNER = "crm_owner"
ACCOUNT = "account"
ROUND_ROBIN = "round_robin"
MANAGER_FALLBACK = "manager_fallback"
DECIDING_ROLES = ("ae", "sdr", "manager")  # who may own a lead
CAPACITY_MAX = 1000  # the largest daily cap a person may set (`/handshake capacity`, Home)


@dataclass(frozen=True)
class Rep:
    """A person as routing sees them: config facts plus runtime settings."""

    slack_id: str
    email: str
    role: str
    team: str | None
    position: int
    away_until: date | None = None
    capacity_per_day: int | None = None
    assigned_today: int = 0

    def unavailable_because(self, today: date) -> str | None:
        if self.away_until is not None and self.away_until >= today:
            return f"away until {self.away_until.isoformat()}"
        if self.capacity_per_day is not None and self.assigned_today >= self.capacity_per_day:
            return f"at capacity ({self.capacity_per_day} a day)"
        return None


@dataclass(frozen=True)
class RouteRequest:
    owner_email: str | None
    team: str  # the lead's team (from its country, else the first team)
    team_manager: str
    first_line_role: str  # ae | sdr
    account_owner: str | None  # owner of the latest hand-off for the same company domain
    cursor: str | None  # last person the round robin gave a lead to
    exclude: frozenset[str] = frozenset()  # people who already held this lead


@dataclass(frozen=True)
class RouteDecision:
    owner: str
    rule: str
    team: str
    cursor: str | None  # the new round-robin cursor (unchanged unless the rule is round robin)
    notes: tuple[str, ...] = field(default_factory=tuple)  # why earlier rules fell through


def route(request: RouteRequest, people: Sequence[Rep], today: date) -> RouteDecision:
    by_id = {p.slack_id: p for p in people}
    by_email = {p.email.lower(): p for p in people}
    notes: list[str] = []

    def usable(rep: Rep | None, label: str) -> bool:
        if rep is None:
            return False
        if rep.slack_id in request.exclude:
            notes.append(f"{label} {rep.slack_id} already held this lead")
            return False
        why = rep.unavailable_because(today)
        if why:
            notes.append(f"{label} {rep.slack_id} is {why}")
            return False
        return True

    if request.owner_email:
        crm = by_email.get(request.owner_email.strip().lower())
        if crm is None:
            notes.append(f"owner_email {request.owner_email} names no configured person")
        elif crm.role not in DECIDING_ROLES:
            notes.append(f"owner_email {request.owner_email} names a {crm.role}, not a rep")
        elif usable(crm, "CRM owner"):
            return RouteDecision(
                crm.slack_id, CRM_OWNER, crm.team or request.team, request.cursor, tuple(notes)
            )

    if request.account_owner:
        account = by_id.get(request.account_owner)
        if account is None:
            notes.append(f"account owner {request.account_owner} is no longer on the roster")
        elif usable(account, "account owner"):
            return RouteDecision(
                account.slack_id,
                ACCOUNT,
                account.team or request.team,
                request.cursor,
                tuple(notes),
            )

    rotation = sorted(
        (p for p in people if p.team == request.team and p.role == request.first_line_role),
        key=lambda p: p.position,
    )
    chosen = next_in_rotation(rotation, request.cursor, request.exclude, today)
    if chosen is not None:
        return RouteDecision(
            chosen.slack_id, ROUND_ROBIN, request.team, chosen.slack_id, tuple(notes)
        )

    notes.append(f"no eligible {request.first_line_role} in team {request.team}")
    return RouteDecision(
        request.team_manager, MANAGER_FALLBACK, request.team, request.cursor, tuple(notes)
    )


def next_in_rotation(
    rotation: Sequence[Rep], cursor: str | None, exclude: frozenset[str], today: date
) -> Rep | None:
    """The first available rep after `cursor` in roster order, wrapping around."""
    if not rotation:
        return None
    ids = [p.slack_id for p in rotation]
    start = ids.index(cursor) + 1 if cursor in ids else 0
    for offset in range(len(rotation)):
        rep = rotation[(start + offset) % len(rotation)]
        if rep.slack_id not in exclude and rep.unavailable_because(today) is None:
            return rep
    return None
