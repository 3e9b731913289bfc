"""Who gets a lead: CRM owner, account owner, weighted round robin, else the team's
manager.

Pure: the caller loads the people (with their weight of the day, `bot.domain.weights`, and
whatever makes them unavailable right now), the account owner and the rotation's cursor
and passes, and stores the decision (and the new cursor and passes) in the same
transaction.

The round robin is weighted (stride scheduling): each person of the rotation has a pass;
the available person with the lowest pass gets the lead and their pass moves on by one
over their weight. With weights 3:1, forty leads split 30 / 10, spread out (A B A A …),
never all of one first; with equal weights it is the plain rotation in roster order. Ties
go to the first in roster order after the last person chosen (the cursor). Someone
passed over (away, at capacity, off shift, dialed to 0) is brought up to the pass of the
person chosen instead, so an absence banks no backlog to be paid back in a burst.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

CRM_OWNER = "crm_owner"
ACCOUNT = "account"
ROUND_ROBIN = "round_robin"
MANAGER_FALLBACK = "manager_fallback"
DECIDING_ROLES = ("ae", "sdr", "manager")  # who may own a lead
CAPACITY_MAX = 1000  # the largest daily cap a person may set (`/handshake capacity`, Home)

# Why a person of the rotation was passed over (the routing report counts them by kind).
AWAY = "away"
CAPACITY = "capacity"
OFF_SHIFT = "off_shift"
DEACTIVATED = "deactivated"
SKIP_KINDS = (AWAY, CAPACITY, OFF_SHIFT, DEACTIVATED)


@dataclass(frozen=True)
class Skip:
    kind: str  # one of SKIP_KINDS
    why: str  # said to people: "away until 2026-12-28"


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
    weight: float = 1.0  # their weight right now (bot/domain/weights.py); 0: no round robin
    out: Skip | None = None  # unavailable right now for a reason the caller worked out
    # (a timed absence, a Slack status, off shift, deactivated)
    own_today: date | None = None  # today on their own clocks: an away date is theirs

    def skip(self, today: date) -> Skip | None:
        if self.out is not None:
            return self.out
        if self.away_until is not None and self.away_until >= (self.own_today or today):
            return Skip(AWAY, f"away until {self.away_until.isoformat()}")
        if self.capacity_per_day is not None and self.assigned_today >= self.capacity_per_day:
            return Skip(CAPACITY, f"at capacity ({self.capacity_per_day} a day)")
        return None

    def unavailable_because(self, today: date) -> str | None:
        skip = self.skip(today)
        return skip.why if skip else None


@dataclass(frozen=True)
class RouteRequest:
    owner_email: str | None
    team: str  # the lead's team (from its country, else the first team)
    team_manager: str
    first_line_role: str  # ae | sdr
    account_owner: str | None  # owner of the latest hand-off for the same company domain
    cursor: str | None  # last person the round robin gave a lead to
    exclude: frozenset[str] = frozenset()  # people who already held this lead
    passes: Mapping[str, float] | None = None  # the rotation's passes (None: all at zero)


@dataclass(frozen=True)
class RouteDecision:
    owner: str
    rule: str
    team: str
    cursor: str | None  # the new round-robin cursor (unchanged unless the rule is round robin)
    notes: tuple[str, ...] = field(default_factory=tuple)  # why earlier rules fell through
    passes: Mapping[str, float] | None = None  # the rotation's new passes (None: unchanged)
    # The lead went round: each available person's weighted share of it, and who of the
    # rotation was passed over and why (slack_id → Skip). Empty when it did not go round.
    shares: Mapping[str, float] = field(default_factory=dict)
    skipped: Mapping[str, Skip] = field(default_factory=dict)


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
    turn = weighted_turn(rotation, request.cursor, request.passes, request.exclude, today)
    if turn.chosen is not None:
        return RouteDecision(
            turn.chosen.slack_id,
            ROUND_ROBIN,
            request.team,
            turn.chosen.slack_id,
            tuple(notes),
            passes=turn.passes,
            shares=turn.shares,
            skipped=turn.skipped,
        )

    notes.append(f"no eligible {request.first_line_role} in team {request.team}")
    return RouteDecision(
        request.team_manager,
        MANAGER_FALLBACK,
        request.team,
        request.cursor,
        tuple(notes),
        skipped=turn.skipped,
    )


@dataclass(frozen=True)
class Turn:
    chosen: Rep | None
    passes: dict[str, float] | None  # None: nobody available, nothing changed
    shares: dict[str, float]
    skipped: dict[str, Skip]


def weighted_turn(
    rotation: Sequence[Rep],
    cursor: str | None,
    passes: Mapping[str, float] | None,
    exclude: frozenset[str],
    today: date,
) -> Turn:
    """One go of the weighted round robin over `rotation` (in roster order)."""
    skipped: dict[str, Skip] = {}
    available: list[Rep] = []
    passed_over: list[str] = []
    for rep in rotation:
        if rep.slack_id in exclude:  # this lead's earlier owners: not an absence
            continue
        skip = rep.skip(today)
        if skip is not None:
            skipped[rep.slack_id] = skip
            passed_over.append(rep.slack_id)
        elif rep.weight > 0:
            available.append(rep)
        else:
            passed_over.append(rep.slack_id)
    if not available:
        return Turn(None, None, {}, skipped)
    kept = {rep.slack_id for rep in rotation}
    new = {k: v for k, v in (passes or {}).items() if k in kept}
    order = _after(rotation, cursor)
    chosen = min(available, key=lambda rep: (new.get(rep.slack_id, 0.0), order[rep.slack_id]))
    at = new.get(chosen.slack_id, 0.0)
    for slack_id in passed_over:
        new[slack_id] = max(new.get(slack_id, 0.0), at)
    new[chosen.slack_id] = at + 1 / chosen.weight
    low = min(new.get(rep.slack_id, 0.0) for rep in rotation)
    new = {k: round(v - low, 9) for k, v in new.items()}  # kept small: only order counts
    total = sum(rep.weight for rep in available)
    shares = {rep.slack_id: rep.weight / total for rep in available}
    return Turn(chosen, new, shares, skipped)


def _after(rotation: Sequence[Rep], cursor: str | None) -> dict[str, int]:
    """Each person's place in roster order counted from just after `cursor`."""
    ids = [p.slack_id for p in rotation]
    start = ids.index(cursor) + 1 if cursor in ids else 0
    return {slack_id: (i - start) % len(ids) for i, slack_id in enumerate(ids)}


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
