"""A manager's **Reassign**: the picker of people who may take a pending hand-off (the
automatic choice first), and the pick itself through `reassign.reassign`.

Only the owner's manager or an admin may pick (the owner may not hand their own lead to
a colleague of their choosing). The hand-off may have moved on while the picker was open:
then nothing is done and the outcome says why (decided, already reassigned)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.runtime import Runtime
from bot.services.assign import reps
from bot.services.decisions import ALREADY, INVALID, NOT_FOUND, OK, RECORDED, REFUSED, Outcome
from bot.services.reassign import NextOwner, next_owner, reassign
from storage.db import unit_of_work
from storage.events import log_refused
from storage.handoffs import get_handoff
from storage.leads import get_lead
from storage.models import PENDING, Handoff
from storage.people import get_person

NOT_ELIGIBLE = "not_eligible"  # INVALID: the chosen person may not (or no longer) take it
NOBODY = "nobody"  # no one but the owner could take it
FIRST_LINE_ROLES = ("ae", "sdr")


@dataclass(frozen=True)
class Candidate:
    slack_id: str
    name: str
    suggested: bool = False  # what the automatic reassignment would choose
    held_before: bool = False  # held this lead once already
    unavailable: str | None = None  # away / at capacity: shown, not offered


@dataclass(frozen=True)
class PickerForm:
    handoff_id: int
    lead_label: str
    owner_id: str
    candidates: tuple[Candidate, ...]  # the suggested one first, then roster order

    @property
    def offered(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.unavailable is None)


@dataclass(frozen=True)
class PickerOutcome:
    outcome: Outcome  # OK with a form; else REFUSED / ALREADY / NOT_FOUND / INVALID(NOBODY)
    form: PickerForm | None = None


def may_reassign(
    config: HandshakeConfig, owner_id: str, actor_id: str, team: str | None = None
) -> bool:
    """The owner's manager (the hand-off's `team`'s manager when the owner left the
    roster), or an admin."""
    manager = config.manager_of(owner_id)
    if manager is None and team is not None and (found := config.team(team)) is not None:
        manager = found.manager
    if actor_id == manager:
        return True
    actor = config.person(actor_id)
    return actor is not None and actor.role == "admin"


def open_picker(handoff_id: int, actor: str, *, runtime: Runtime) -> PickerOutcome:
    """Who may take the hand-off now, for the picker modal."""
    config, now = runtime.config, runtime.clock()
    with unit_of_work(runtime.engine) as session:
        handoff = _checked(session, config, handoff_id, actor, now)
        if isinstance(handoff, Outcome):
            return PickerOutcome(handoff)
        lead = get_lead(handoff.lead_id, session=session)
        assert lead is not None
        auto = next_owner(handoff, lead, session=session, config=config, now=now)
        candidates = _candidates(handoff, auto, session=session, config=config, now=now)
        if not any(c.unavailable is None for c in candidates):
            return PickerOutcome(Outcome(INVALID, handoff, NOBODY, lead_label=lead_label(lead)))
        form = PickerForm(handoff_id, lead_label(lead), handoff.owner_id, tuple(candidates))
        return PickerOutcome(Outcome(OK, handoff), form)


def pick(
    handoff_id: int, actor: str, chosen: str | None, *, runtime: Runtime, actor_name: str
) -> Outcome:
    """Reassign the hand-off to `chosen`, if the actor may and it is still pending and
    `chosen` may still take it (INVALID NOT_ELIGIBLE otherwise; nothing is done)."""
    config, now = runtime.config, runtime.clock()
    with unit_of_work(runtime.engine) as session:
        handoff = _checked(session, config, handoff_id, actor, now)
        if isinstance(handoff, Outcome):
            return handoff
        lead = get_lead(handoff.lead_id, session=session)
        assert lead is not None
        auto = next_owner(handoff, lead, session=session, config=config, now=now)
        candidates = _candidates(handoff, auto, session=session, config=config, now=now)
        if chosen not in {c.slack_id for c in candidates if c.unavailable is None}:
            return Outcome(INVALID, handoff, NOT_ELIGIBLE)
        new = reassign(
            handoff,
            session=session,
            config=config,
            now=now,
            actor=actor,
            reason=f"reassigned by {actor_name}",
            to=chosen,
        )
        if new is None:
            session.refresh(handoff)
            return Outcome(ALREADY, handoff)
        return Outcome(RECORDED, handoff, new_handoff=new)


def _checked(
    session: Session, config: HandshakeConfig, handoff_id: int, actor: str, now: datetime
) -> Handoff | Outcome:
    handoff = get_handoff(handoff_id, session=session)
    if handoff is None:
        return Outcome(NOT_FOUND)
    if not may_reassign(config, handoff.owner_id, actor, handoff.team):
        log_refused(session, handoff, actor, "reassign_pick", now)
        return Outcome(REFUSED, handoff)
    if handoff.status != PENDING:
        return Outcome(ALREADY, handoff)
    return handoff


def _candidates(
    handoff: Handoff,
    auto: NextOwner,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
) -> list[Candidate]:
    """The suggested person first, then everyone of the hand-off's team and the old
    owner's role (the first-line role when the owner is no rep), in roster order; never
    the current owner."""
    people = reps(session, now, config)
    old = next((p for p in people if p.slack_id == handoff.owner_id), None) or get_person(
        handoff.owner_id, session=session
    )  # an owner who left the roster is no longer among the active
    role = old.role if old and old.role in FIRST_LINE_ROLES else config.routing.first_line
    today = now.date()

    def candidate(slack_id: str, *, suggested: bool = False) -> Candidate:
        rep = next((p for p in people if p.slack_id == slack_id), None)
        person = config.person(slack_id)
        return Candidate(
            slack_id,
            person.name if person else slack_id,
            suggested=suggested,
            held_before=slack_id in auto.held,
            unavailable=rep.unavailable_because(today) if rep and not suggested else None,
        )

    found: list[Candidate] = []
    if auto.owner != handoff.owner_id:
        found.append(candidate(auto.owner, suggested=True))
    team_reps = sorted(
        (p for p in people if p.team == auto.team and p.role == role), key=lambda p: p.position
    )
    for rep in team_reps:
        if rep.slack_id not in (handoff.owner_id, auto.owner):
            found.append(candidate(rep.slack_id))
    return found
