"""Nobody leaves a lead behind: when a person leaves the roster (config reload or restart:
`storage.people.sync_people` marks them inactive) or Slack reports their account
deactivated (`deleted: true`, `note_deactivated`), each of their pending hand-offs moves on
by the reassignment rules (`services.reassign`) and their team's manager is told.

A sweep in the scheduler's tick rather than a step of the reload: it finds the pending
hand-offs of departed owners from the database alone, so a crash or a restart between the
change and the move loses nothing, and the reassignment's compare-and-set on the hand-off
(`pending` → `reassigned`) moves each exactly once across instances.

An accepted hand-off stays accepted: the lead is in the departed owner's pipeline (and,
with a CRM, owned there), and who takes it over is a human's call, made in the CRM. What
Handshake still owes it is the follow-up clock: while no first touch is logged, the sweep
stops that clock (so nobody nudges a person who has gone) and tells the team's manager at
once, rather than when the follow-up escalation would have fired; a threaded note under
the channel card says so to marketing. Cancelling the clock's timers is the
compare-and-set that makes this happen once across instances.

A meeting waiting for the decision of an AE who left: the AE's reminder is cancelled (the
compare-and-set) and the escalation to their manager goes at once, asking the manager to
decide it there, with the meeting's buttons (views/sla_meeting)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.routing import MANAGER_FALLBACK
from bot.runtime import Runtime
from bot.services import notify
from bot.services.reassign import reassign
from bot.services.sla_clock import stop_follow_up_clock
from storage.db import unit_of_work
from storage.events import log_event
from storage.models import MEETING_ESCALATE, MEETING_REMIND, Handoff, Meeting
from storage.people import (
    departed_following_up,
    departed_meetings,
    departed_pending,
    set_deactivated,
)
from storage.timers import bring_forward, cancel_meeting_timer

log = logging.getLogger("handshake.departures")
LEFT_ROSTER = "left the roster"
DEACTIVATED = "deactivated in Slack"


def note_deactivated(slack_id: str, deleted: bool, *, session: Session, now: datetime) -> bool:
    """Slack's `deleted` flag for `slack_id` (users.info, or a `user_change` event's user):
    stored, with an event when it changed (True). The next tick moves their pending
    hand-offs on (`sweep_departures`); a reactivated account takes leads again."""
    if not set_deactivated(slack_id, deleted, session=session):
        return False
    kind = "deactivated" if deleted else "reactivated"
    log_event(kind, session=session, at=now, actor="slack", person=slack_id)
    log.info("slack account user=%s deleted=%s", slack_id, deleted)
    return True


def learn_deactivated(slack_id: str, deleted: bool, *, runtime: Runtime) -> bool:
    """`note_deactivated` in a transaction of its own (the `user_change` event); a change
    wakes the tick's sweep at once rather than at its next minute."""
    with unit_of_work(runtime.engine) as session:
        changed = note_deactivated(slack_id, deleted, session=session, now=runtime.clock())
    if changed and deleted:
        moved = sweep_departures(runtime)
        if moved:
            runtime.wake()
    return changed


def sweep_departures(runtime: Runtime, *, now: datetime | None = None, batch: int = 100) -> int:
    """Move on every pending hand-off whose owner has left; stop the follow-up clock of
    their accepted ones with no first touch (the manager told); hand the meetings waiting
    for a departed AE to the AE's manager. How many of all three."""
    config = runtime.config
    now = now or runtime.clock()
    steps: list[tuple[str, Callable[..., list[Any]], Callable[..., int]]] = [
        ("moved on", departed_pending, _move_on),
        ("follow-up stopped", departed_following_up, _stop_follow_up),
        ("meeting to the manager", departed_meetings, _meeting_to_manager),
    ]
    done: dict[str, int] = {}
    with unit_of_work(runtime.engine) as session:
        for what, found, handle in steps:
            done[what] = 0
            for item, person in found(session=session, limit=batch):
                reason = DEACTIVATED if person.deactivated else LEFT_ROSTER
                try:
                    with session.begin_nested():  # one bad item holds up no other
                        done[what] += handle(item, reason, session=session, config=config, now=now)
                except Exception:
                    log.exception("departures: %s not done for %r yet", what, item.id)
    if any(done.values()):
        log.info("departures %s", " ".join(f"{k.replace(' ', '_')}={v}" for k, v in done.items()))
    return sum(done.values())


def _meeting_to_manager(
    meeting: Meeting, reason: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> int:
    """A meeting waiting for an AE who left: nobody reminds the AE, and the escalation to
    their manager goes now, asking the manager to decide (views/sla_meeting); 0 when another
    instance did it first (the reminder's cancel is the compare-and-set)."""
    assert meeting.id is not None
    why = f"the AE {reason}"
    if not cancel_meeting_timer(meeting.id, MEETING_REMIND, session=session, now=now, note=why):
        return 0
    bring_forward(meeting.id, MEETING_ESCALATE, session=session, now=now)
    log_event(
        "meeting_ae_left",
        session=session,
        at=now,
        actor="system",
        lead_id=meeting.lead_id,
        handoff_id=meeting.handoff_id,
        meeting_id=meeting.id,
        ae=meeting.ae_id,
        reason=reason,
    )
    return 1


def _move_on(
    handoff: Handoff, reason: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> int:
    new = reassign(handoff, session=session, config=config, now=now, actor="system", reason=reason)
    if new is None:  # decided or moved by someone else first
        return 0
    team = config.team(new.team) if new.team else None
    if new.rule != MANAGER_FALLBACK and team is not None:  # the fallback DMs them already
        notify.dm(
            "owner_departed",
            team.manager,
            new.id or 0,
            session=session,
            now=now,
            previous_owner=handoff.owner_id,
            reason=reason,
        )
    return 1


def _stop_follow_up(
    handoff: Handoff, reason: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> int:
    """The departed owner's accepted lead, no first touch yet: its follow-up clock stops
    and the team's manager is told (0: another instance did it first)."""
    assert handoff.id is not None
    why = f"the owner {reason}"
    if not stop_follow_up_clock(handoff.id, session=session, now=now, why=why):
        return 0
    team = config.team(handoff.team) if handoff.team else None
    manager = team.manager if team is not None and team.manager != handoff.owner_id else None
    log_event(
        "follow_up_stopped",
        session=session,
        at=now,
        actor="system",
        lead_id=handoff.lead_id,
        handoff_id=handoff.id,
        owner=handoff.owner_id,
        recipient=manager,
        reason=reason,
    )
    if manager is not None:
        notify.dm(
            "owner_departed_accepted",
            manager,
            handoff.id,
            session=session,
            now=now,
            previous_owner=handoff.owner_id,
            reason=reason,
        )
    notify.thread_note(
        "owner_left",
        handoff.id,
        session=session,
        now=now,
        owner=handoff.owner_id,
        recipient=manager,
        reason=reason,
    )
    return 1
