"""Dials (issue 15): a rep turns their own weight in the round robin up or down within
`routing.weight_range`, from `/handshake dial` or App Home; a manager dials the reps of the
teams they manage, an admin anyone. A dial with a last day ends by itself: the scheduler's
`expire_dials` clears it once that day has passed (in the person's time zone) and tells
the person, and whoever set it for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.away import zone_of
from bot.domain.dials import (
    REP_ROLES,
    STEP,
    DialRequest,
    WeightParts,
    dial_base,
    end_of_quarter,
    latest_dial_day,
    parse_weight,
    stepped,
    weight_parts,
)
from bot.ids import HOME_DIAL_OFF
from bot.inputs import parse_date
from bot.runtime import Runtime
from bot.services.assign import weight_facts
from storage import dials as store
from storage import outbox
from storage.db import read_only, unit_of_work
from storage.events import log_event
from storage.models import Person
from storage.people import get_person

SET, SHOWN, REFUSED = "set", "shown", "refused"
NOT_ON_ROSTER, UNKNOWN, NOT_A_REP, NOT_YOURS, OUT_OF_RANGE = (
    "not_on_roster",
    "unknown",
    "not_a_rep",
    "not_yours",
    "out_of_range",
)
# Home's controls: a weight that is not on the menu, a date that cannot be a last day.
BAD_WEIGHT, NO_DATE, PAST, TOO_FAR, NO_DIAL = "bad_weight", "no_date", "past", "too_far", "no_dial"
DIAL_ENDED = "dial_ended"  # the DM's template and the event's kind
DIAL_CHANGED = "dial_changed"  # the DM to a rep whose manager (or an admin) dialed them


@dataclass(frozen=True)
class DialResult:
    outcome: str  # SET, SHOWN or REFUSED
    problem: str | None = None  # REFUSED: why
    own: bool = True  # the caller's own weight
    name: str = ""  # the dialed person's name
    parts: WeightParts | None = None
    clamped: bool = False  # up/down held at an end of the range
    asked: float | None = None  # OUT_OF_RANGE: the weight asked for
    low: float = 0.0
    high: float = 0.0


def local_today(now: datetime, tz: str | None, fallback: str = "UTC") -> date:
    """The date on the person's clocks; a zone this machine does not know (Slack may
    report one) falls back to `fallback`, the config's."""
    return now.astimezone(zone_of(tz, fallback)).date()


def may_dial(config: HandshakeConfig, actor: str, target: str) -> str | None:
    """None when `actor` may dial `target`, else the problem."""
    caller, person = config.person(actor), config.person(target)
    if caller is None:
        return NOT_ON_ROSTER
    if person is None:
        return UNKNOWN
    if person.role not in REP_ROLES:
        return NOT_A_REP
    if actor == target or caller.role == "admin":
        return None
    managed = {t.name for t in config.teams if t.manager == actor}
    return None if person.team in managed else NOT_YOURS


def dial(actor: str, request: DialRequest, *, runtime: Runtime) -> DialResult:
    """Show or change a weight, as `request` asks; refused with the reason otherwise."""
    config, now = runtime.config, runtime.clock()
    target = request.target or actor
    low, high = config.routing.weight_range
    own = target == actor
    problem = may_dial(config, actor, target)
    if problem is not None:
        return DialResult(REFUSED, problem, own=own, name=_name(config, target), low=low, high=high)
    with unit_of_work(runtime.engine) as session:
        person = get_person(target, session=session)
        if person is None or not person.active:
            return DialResult(REFUSED, UNKNOWN, own=own, low=low, high=high)
        today = local_today(now, person.tz, config.timezone)
        facts = weight_facts(person)
        found = DialResult(SHOWN, own=own, name=person.name, low=low, high=high)
        if request.change is None:
            return _with_parts(found, person, today, config)
        clamped, weight = False, request.weight
        if request.change in ("up", "down"):
            step = STEP if request.change == "up" else -STEP
            moved = stepped(dial_base(facts, today), step, low, high)
            weight, clamped = moved.weight, moved.clamped
        elif request.change == "set" and weight is not None and not low <= weight <= high:
            return DialResult(REFUSED, OUT_OF_RANGE, own=own, name=person.name, asked=weight,
                              low=low, high=high)  # fmt: skip
        until = request.until
        if request.end_of_quarter:
            until = end_of_quarter(today, config.routing.quarter_end)
        previous = person.dial_weight
        store.set_dial(target, weight, until, actor, session=session)
        log_event(
            "dial_set",
            session=session,
            at=now,
            actor=actor,
            person=target,
            weight=weight,
            until=until.isoformat() if until else None,
            previous=previous,
            clamped=clamped,
        )
        if not own:  # the rep hears who changed their share, and to what
            payload = {
                "template": DIAL_CHANGED,
                "recipient": target,
                "by_name": _name(config, actor),
                "weight": weight,
                "until": until.isoformat() if until else None,
                "roster": person.weight,
            }
            outbox.enqueue(outbox.DM, "dm", session=session, now=now, payload=payload)
        changed = DialResult(SET, own=own, name=person.name, clamped=clamped, low=low, high=high)
        found = _with_parts(changed, person, today, config)
    if not own:
        runtime.wake()
    return found


def dial_from_home(user_id: str, picked: object, *, runtime: Runtime) -> DialResult:
    """Home's weight menu: "off" (the roster weight) or a weight; a dial's last day, if it
    has one, stays as it was (the date picker beside it changes it)."""
    low, high = runtime.config.routing.weight_range
    if picked == HOME_DIAL_OFF:
        return dial(user_id, DialRequest(change="off"), runtime=runtime)
    weight = parse_weight(picked)
    if weight is None:
        return DialResult(REFUSED, BAD_WEIGHT, low=low, high=high)
    until = _dial_in_force(user_id, runtime=runtime)[1]
    return dial(user_id, DialRequest(change="set", weight=weight, until=until), runtime=runtime)


def dial_until_from_home(user_id: str, picked: object, *, runtime: Runtime) -> DialResult:
    """Home's date picker: the last day of the dial in force, from today to a year on."""
    low, high = runtime.config.routing.weight_range
    day, today = parse_date(picked), _today_of(user_id, runtime=runtime)
    problem = None
    if day is None:
        problem = NO_DATE
    elif day < today:
        problem = PAST
    elif day > latest_dial_day(today):
        problem = TOO_FAR
    weight = _dial_in_force(user_id, runtime=runtime)[0]
    if problem is None and weight is None:
        problem = NO_DIAL
    if problem is not None:
        return DialResult(REFUSED, problem, low=low, high=high)
    return dial(user_id, DialRequest(change="set", weight=weight, until=day), runtime=runtime)


def _today_of(user_id: str, *, runtime: Runtime) -> date:
    """Today on the person's own clocks (the config's zone for one not on file)."""
    with read_only(runtime.engine) as session:
        person = get_person(user_id, session=session)
        tz = person.tz if person is not None else None
    return local_today(runtime.clock(), tz, runtime.config.timezone)


def _dial_in_force(user_id: str, *, runtime: Runtime) -> tuple[float | None, date | None]:
    with read_only(runtime.engine) as session:
        person = get_person(user_id, session=session)
        if person is None:
            return None, None
        parts = own_weight(person, runtime.clock(), runtime.config)
        return parts.dial, parts.dial_until


def _with_parts(
    result: DialResult, person: Person, today: date, config: HandshakeConfig
) -> DialResult:
    parts = weight_parts(weight_facts(person), today, config.routing.quarter_end)
    return DialResult(**{**result.__dict__, "parts": parts})


def _name(config: HandshakeConfig, slack_id: str) -> str:
    person = config.person(slack_id)
    return person.name if person else ""


@dataclass(frozen=True)
class TeamWeight:
    """A rep's weight on their manager's Home."""

    slack_id: str
    name: str
    team: str | None
    parts: WeightParts
    dial_by: str | None


def team_weights(
    teams: list[str] | None, *, session: Session, now: datetime, config: HandshakeConfig
) -> tuple[TeamWeight, ...]:
    """The reps of `teams` (None: everyone) with their weight of the day, in roster order."""
    return tuple(
        TeamWeight(p.slack_id, p.name, p.team, own_weight(p, now, config), p.dial_by)
        for p in store.people_of_teams(teams, session=session)
        if p.role in REP_ROLES
    )


def own_weight(person: Person, now: datetime, config: HandshakeConfig) -> WeightParts:
    today = local_today(now, person.tz, config.timezone)
    return weight_parts(weight_facts(person), today, config.routing.quarter_end)


def expire_dials(runtime: Runtime, *, batch: int = 500) -> int:
    """Clear the dials whose last day has passed in their person's time zone; each one
    cleared here (a compare-and-set: another instance may be doing the same) logs
    `dial_ended` and DMs the person, and whoever else set it. Returns how many."""
    config, now = runtime.config, runtime.clock()
    with read_only(runtime.engine) as session:
        # The furthest-ahead time zone is at most a day past UTC's date.
        rows = store.dials_ending_before(
            date.fromordinal(now.date().toordinal() + 1), session=session, limit=batch
        )
    ended = 0
    for row in rows:
        if local_today(now, row.tz, config.timezone) <= row.dial_until:
            continue
        with unit_of_work(runtime.engine) as session:
            if not store.clear_if_unchanged(row, session=session):
                continue
            log_event(
                DIAL_ENDED,
                session=session,
                at=now,
                actor="system",
                person=row.slack_id,
                weight=row.dial_weight,
                until=row.dial_until.isoformat(),
                by=row.dial_by,
            )
            told = {row.slack_id}
            if row.dial_by and config.person(row.dial_by) is not None:
                told.add(row.dial_by)
            for recipient in sorted(told):
                _tell(recipient, row, session=session, now=now, config=config)
        ended += 1
    if ended:
        runtime.wake()
    return ended


def _tell(
    recipient: str, row: store.DialRow, *, session: Session, now: datetime, config: HandshakeConfig
) -> None:
    """The DM saying the dial ended (about a person, not a hand-off: no hand-off id)."""
    payload = {
        "template": DIAL_ENDED,
        "recipient": recipient,
        "person": row.slack_id,
        "name": _name(config, row.slack_id),
        "weight": row.dial_weight,
        "until": row.dial_until.isoformat(),
        "roster": row.weight,
    }
    outbox.enqueue(outbox.DM, "dm", session=session, now=now, payload=payload)
