"""Sending a nudge or an escalation: the DM, the threaded note under the channel card and
the event, one by one (a button) or gathered for a batch's bulk insert (the tick); and the
working time the hand-off has waited, which they quote."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.durations import format_wait
from bot.domain.calendar import WorkCalendar
from bot.integrations.events import person
from bot.services import notify
from bot.services.outgoing import emit, wanted
from bot.services.sla_clock import calendar_of
from storage.events import event_values, log_event
from storage.leads import get_lead
from storage.models import (
    ACCEPTED,
    ESCALATE,
    FOLLOW_UP,
    FOLLOW_UP_ESCALATE,
    REMIND,
    Handoff,
)
from storage.timers import insert_rows

log = logging.getLogger("handshake.sla")

ESCALATED = "handoff.escalated"
ESCALATION_KIND = {ESCALATE: "decision", FOLLOW_UP_ESCALATE: "follow_up"}  # timer → what waits
MESSAGE = {  # timer kind → (DM template, thread note, event)
    REMIND: ("nudge", "nudge", "nudged"),
    ESCALATE: ("escalation", "escalation", "escalated"),
    FOLLOW_UP: ("follow_up_nudge", "follow_up_nudge", "follow_up_nudged"),
    FOLLOW_UP_ESCALATE: ("follow_up_escalation", "follow_up_escalation", "follow_up_escalated"),
}


class Calendars:
    """People's working calendars, each looked up once per batch rather than per timer."""

    def __init__(self, *, session: Session, config: HandshakeConfig):
        self.session, self.config = session, config
        self._known: dict[str | None, WorkCalendar] = {}

    def of(self, slack_id: str | None) -> WorkCalendar:
        if slack_id not in self._known:
            self._known[slack_id] = calendar_of(slack_id, session=self.session, config=self.config)
        return self._known[slack_id]


class Rows:
    """A batch's DMs, threaded notes and events, written with one INSERT per table when
    the batch ends: the very rows that `send` otherwise adds one ORM object at a time
    (notify.dm, notify.thread_note, log_event), for a fraction of the cost."""

    def __init__(self) -> None:
        self.outbox: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def send(
        self, kind: str, handoff: Handoff, recipient: str, *, now: datetime, actor: str, waited: str
    ) -> None:
        """The same rows `send` writes, built by the same functions."""
        assert handoff.id is not None
        template, note, event = MESSAGE[kind]
        self.outbox.append(
            notify.dm_values(template, recipient, handoff.id, now=now, waited=waited)
        )
        self.outbox.append(
            notify.thread_values(
                note,
                handoff.id,
                now=now,
                owner=handoff.owner_id,
                recipient=recipient,
                waited=waited,
            )
        )
        self.events.append(
            event_values(
                event,
                at=now,
                actor=actor,
                lead_id=handoff.lead_id,
                handoff_id=handoff.id,
                recipient=recipient,
                waited=waited,
            )
        )

    def write(self, *, session: Session) -> None:
        insert_rows(self.outbox, self.events, session=session)
        self.outbox, self.events = [], []


def send(
    kind: str,
    handoff: Handoff,
    recipient: str,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    actor: str,
    calendars: Calendars | None = None,
    rows: Rows | None = None,
) -> None:
    """The DM, the threaded note and the event for a nudge or an escalation."""
    assert handoff.id is not None
    template, note, event = MESSAGE[kind]
    waited = waited_since(handoff, session=session, config=config, now=now, calendars=calendars)
    if rows is not None:
        rows.send(kind, handoff, recipient, now=now, actor=actor, waited=waited)
    else:
        notify.dm(template, recipient, handoff.id, session=session, now=now, waited=waited)
        notify.thread_note(
            note,
            handoff.id,
            session=session,
            now=now,
            owner=handoff.owner_id,
            recipient=recipient,
            waited=waited,
        )
        log_event(
            event,
            session=session,
            at=now,
            actor=actor,
            lead_id=handoff.lead_id,
            handoff_id=handoff.id,
            recipient=recipient,
            waited=waited,
        )
    if kind in ESCALATION_KIND and wanted(config, ESCALATED):
        lead = get_lead(handoff.lead_id, session=session)
        assert lead is not None
        emit(
            ESCALATED,
            session=session,
            config=config,
            now=now,
            lead=lead,
            handoff=handoff,
            extra={
                "escalation": {
                    "waiting_for": ESCALATION_KIND[kind],
                    "recipient": person(config, recipient),
                    "waited": waited,
                }
            },
        )
    log.info(
        "%s handoff=%s lead=%s recipient=%s waited=%s",
        event,
        handoff.id,
        handoff.lead_id,
        recipient,
        waited,
    )


def waited_since(
    handoff: Handoff,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    calendars: Calendars | None = None,
) -> str:
    """Working time since the hand-off (or, once accepted, since the acceptance)."""
    since = (
        handoff.decided_at
        if handoff.status == ACCEPTED and handoff.decided_at
        else (handoff.created_at)
    )
    calendars = calendars or Calendars(session=session, config=config)
    calendar = calendars.of(handoff.owner_id)
    return format_wait(calendar.working_between(since, now))
