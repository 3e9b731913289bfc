"""The SDR → AE stage's clock firing: the AE nudged about a meeting still to decide, the
AE's manager told; and what those DMs say, read at delivery time from the meeting.

Runs inside the tick's transaction (bot/services/sla_fire.py claims the timer, skips it
once the meeting is decided, defers it out of the recipient's working hours), so each DM
is queued exactly once. The DMs are outbox rows like every nudge (`notify.dm_values`),
with the meeting's id in their payload."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.durations import format_wait
from bot.domain.leads import lead_label
from bot.services import notify
from bot.services.cards import person_name
from bot.services.sla_messages import tz_of
from bot.services.sla_nudge import Calendars, Rows
from storage.events import event_values
from storage.leads import get_lead
from storage.meetings import get_meeting
from storage.models import (
    MEETING_ESCALATE,
    MEETING_PENDING,
    MEETING_REMIND,
    MEETING_SENT_BACK,
    Meeting,
    Timer,
)
from storage.people import get_person
from storage.timers import insert_rows

log = logging.getLogger("handshake.sla")

MEETING_TIMERS = (MEETING_REMIND, MEETING_ESCALATE)
MEETING_NUDGE, MEETING_ESCALATION = "meeting_nudge", "meeting_escalation"
MEETING_TEMPLATES = (MEETING_NUDGE, MEETING_ESCALATION)
MESSAGE = {  # timer kind → (DM template, event)
    MEETING_REMIND: (MEETING_NUDGE, "meeting_nudged"),
    MEETING_ESCALATE: (MEETING_ESCALATION, "meeting_escalated"),
}


def fire_meeting(
    timer: Timer,
    meeting: Meeting,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    calendars: Calendars,
    rows: Rows | None = None,
) -> None:
    """Queue the DM and log the event for a meeting still waiting for its AE."""
    assert meeting.id is not None
    template, event = MESSAGE[timer.kind]
    recipient = timer.recipient or meeting.ae_id
    waited = format_wait(calendars.of(meeting.ae_id).working_between(meeting.meeting_at, now))
    dm = notify.dm_values(
        template, recipient, meeting.handoff_id, now=now, meeting_id=meeting.id, waited=waited
    )
    logged = event_values(
        event,
        at=now,
        actor="system",
        lead_id=meeting.lead_id,
        handoff_id=meeting.handoff_id,
        meeting_id=meeting.id,
        recipient=recipient,
        waited=waited,
    )
    if rows is not None:
        rows.outbox.append(dm)
        rows.events.append(logged)
    else:
        insert_rows([dm], [logged], session=session)
    log.info(
        "%s meeting=%s handoff=%s recipient=%s waited=%s",
        event,
        meeting.id,
        meeting.handoff_id,
        recipient,
        waited,
    )


# -- what the DMs say, at delivery time ------------------------------------------------------


@dataclass(frozen=True)
class MeetingDmFacts:
    """A meeting nudge or escalation: names raw (views escape), None when unknown."""

    template: str
    meeting_id: int
    lead_label: str
    sdr_name: str | None
    ae_name: str | None
    meeting_at: datetime
    due_at: datetime
    tz: str  # the recipient's
    waited: str
    status: str  # the meeting's, now
    decided_by_name: str | None = None
    decided_at: datetime | None = None
    detail: str | None = None  # once decided: the reason, or the failed criterion's question
    ae_left: str | None = None  # the AE left (why): the escalation asks the manager instead

    @property
    def escalation(self) -> bool:
        return self.template == MEETING_ESCALATION

    @property
    def pending(self) -> bool:
        return self.status == MEETING_PENDING


def meeting_id_of(payload: dict[str, Any]) -> int | None:
    """The meeting a DM row is about (None: a hand-off's DM)."""
    if payload.get("template") not in MEETING_TEMPLATES:
        return None
    value = payload.get("meeting_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def meeting_dm_facts(
    payload: dict[str, Any], *, session: Session, config: HandshakeConfig
) -> MeetingDmFacts:
    meeting_id = meeting_id_of(payload)
    meeting = get_meeting(meeting_id, session=session) if meeting_id is not None else None
    lead = get_lead(meeting.lead_id, session=session) if meeting else None
    if meeting is None or lead is None or meeting.id is None:
        raise LookupError(f"meeting {payload.get('meeting_id')!r} is gone")
    detail = meeting.reason_label
    if meeting.status == MEETING_SENT_BACK and meeting.failed_criterion:
        criterion = config.qualification.criterion(meeting.failed_criterion)
        detail = criterion.question if criterion else meeting.failed_criterion
    if meeting.decision_note:
        detail = f"{detail} — {meeting.decision_note}" if detail else meeting.decision_note
    return MeetingDmFacts(
        template=str(payload["template"]),
        meeting_id=meeting.id,
        lead_label=lead_label(lead),
        sdr_name=person_name(meeting.sdr_id, session=session),
        ae_name=person_name(meeting.ae_id, session=session),
        meeting_at=meeting.meeting_at,
        due_at=meeting.due_at,
        tz=tz_of(str(payload.get("recipient") or ""), session=session, config=config),
        waited=str(payload.get("waited") or ""),
        status=meeting.status,
        decided_by_name=person_name(meeting.decided_by, session=session),
        decided_at=meeting.decided_at,
        detail=detail,
        ae_left=_left(meeting.ae_id, session=session),
    )


def _left(slack_id: str, *, session: Session) -> str | None:
    """Why a person can no longer act (off the roster, deactivated in Slack), or None."""
    person = get_person(slack_id, session=session)
    if person is None:
        return None
    if person.deactivated:
        return "deactivated in Slack"
    return None if person.active else "left the roster"
