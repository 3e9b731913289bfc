"""When someone goes away, their pending hand-offs that would breach during the absence
move at once (through `reassign`), and the owner and their manager are told by DM; the
SLA is not left to run out. Called in the transaction that made them away: the command,
App Home, a Slack status turning away; and by the tick for timed absences that began.

Exactly once: `reassign` claims each hand-off with a compare-and-set on its status, and
only hand-offs made before the absence began are looked at (one that reaches the person
later, e.g. a manager's fallback, stays theirs)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.away import status_says_away, status_until, strands
from bot.domain.leads import lead_label
from bot.runtime import Runtime
from bot.services import notify
from bot.services.reassign import reassign
from storage import absences
from storage.db import unit_of_work
from storage.events import log_event
from storage.leads import get_lead
from storage.models import ESCALATE, REASSIGN, Handoff, Person
from storage.people import get_person

log = logging.getLogger("handshake.away")
AWAY_DM = "away_reassigned"
DEADLINE_TIMERS = (ESCALATE, REASSIGN)


def release_stranded(
    person: Person,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    since: datetime,
    until: datetime | None,
    why: str,
) -> list[int]:
    """Reassign `person`'s pending hand-offs made by `since` whose deadline (the earliest
    escalation or reassignment timer, else the hand-off's due time) falls before `until`
    (None: no known end). Returns the old hand-offs' ids that moved."""
    pending = absences.pending_of(person.slack_id, session=session, before=since)
    due = absences.deadlines([h.id or 0 for h in pending], DEADLINE_TIMERS, session=session)
    moved = []
    for handoff in pending:
        if not strands(due.get(handoff.id or 0, handoff.due_at), until):
            continue
        new = reassign(handoff, session=session, config=config, now=now, actor="system", reason=why)
        if new is None:  # decided or moved meanwhile
            continue
        _tell(person, handoff, new, session=session, config=config, now=now, until=until)
        log_event(
            "away_reassigned",
            session=session,
            at=now,
            actor=person.slack_id,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            new_handoff_id=new.id,
            new_owner=new.owner_id,
            until=until.isoformat() if until else None,
        )
        log.info(
            "away reassigned user=%s handoff=%s new_handoff=%s", person.slack_id, handoff.id, new.id
        )
        moved.append(handoff.id or 0)
    return moved


def _tell(
    person: Person,
    old: Handoff,
    new: Handoff,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    until: datetime | None,
) -> None:
    lead = get_lead(old.lead_id, session=session)
    params = {
        "lead": lead_label(lead) if lead else "A lead",
        "owner": person.slack_id,
        "new_owner": new.owner_id,
        "until": until.isoformat() if until else None,
    }
    team = config.team(old.team or person.team or "")
    notify.dm(AWAY_DM, person.slack_id, old.id or 0, session=session, now=now, to="owner", **params)
    if team and team.manager and team.manager != person.slack_id:
        notify.dm(
            AWAY_DM, team.manager, old.id or 0, session=session, now=now, to="manager", **params
        )


def sweep(runtime: Runtime, *, now: datetime | None = None) -> int:
    """The tick's part: timed absences that have begun release what they would strand
    (a no-op for those already released). Returns how many hand-offs moved."""
    now = now or runtime.clock()
    moved = 0
    with unit_of_work(runtime.engine) as session:
        for person in absences.in_timed_absence(now, session=session):
            assert person.away_to is not None
            moved += len(
                release_stranded(
                    person,
                    session=session,
                    config=runtime.config,
                    now=now,
                    since=person.away_from or now,
                    until=person.away_to,
                    why="away",
                )
            )
    return moved


def learn_status(
    slack_id: str,
    profile: Mapping[str, Any],
    *,
    engine: Engine,
    config: HandshakeConfig,
    now: datetime,
) -> bool | None:
    """Store whether `profile`'s Slack status (users.info or `user_change`) says away
    (`routing.away_status`); turned away, what it would strand moves now (until its
    expiration, else every pending deadline counts). Returns whether it says away, None
    when the person is not on the roster."""
    emoji = str(profile.get("status_emoji") or "")
    text = str(profile.get("status_text") or "")
    ends = status_until(profile.get("status_expiration"))
    rule = config.routing.away_status
    says = status_says_away(emoji, text, emojis=rule.emoji, texts=rule.text)
    says = says and (ends is None or ends > now)
    with unit_of_work(engine) as session:
        person = get_person(slack_id, session=session)
        if person is None:
            return None
        if not absences.set_status(slack_id, says, text or emoji, session=session):
            return says
        log_event(
            "status_away" if says else "status_back",
            session=session,
            at=now,
            actor=slack_id,
            status=(text or emoji)[:200] or None,
        )
        log.info("slack status user=%s away=%s", slack_id, says)
        if says:
            session.refresh(person)
            release_stranded(
                person,
                session=session,
                config=config,
                now=now,
                since=now,
                until=ends,
                why="away by their Slack status",
            )
    return says
