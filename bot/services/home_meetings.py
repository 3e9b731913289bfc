"""App Home's part of the SDR → AE stage, by role: an SDR's meetings awaiting an AE and
those sent back to them (the failed criterion's question and the AE's note, so they can
book again); an AE's meetings to decide; a manager's (or an admin's) pending meetings of
the team, with who holds them and how late. Plain data: `bot.views.home_meetings` draws it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.availability import aware
from bot.domain.leads import lead_label
from bot.services.sla_clock import overdue_minutes
from storage import home_meetings as q

SDR_SHOWN = 5  # each of an SDR's two lists
AE_SHOWN = 8
TEAM_SHOWN = 10


@dataclass(frozen=True)
class MeetingItem:
    meeting_id: int
    handoff_id: int  # the SDR's hand-off (book again: its Meeting booked)
    lead_label: str
    sdr_name: str
    ae_name: str
    meeting_at: datetime
    due_at: datetime
    overdue: bool
    late_minutes: float  # how late (0 while within its due time)
    failed_question: str | None = None  # sent back: the criterion that failed, as asked
    decision_note: str | None = None  # sent back: the AE's note
    decided_at: datetime | None = None


@dataclass(frozen=True)
class MeetingsView:
    """One role's meetings: the lists that apply to it, each a page and its total."""

    role: str  # "sdr", "ae" or "team"
    items: tuple[MeetingItem, ...] = ()  # sdr: awaiting an AE; ae: to decide; team: pending
    total: int = 0
    sent_back: tuple[MeetingItem, ...] = ()  # sdr only
    sent_back_total: int = 0
    overdue_total: int = 0  # team only

    @property
    def shown(self) -> int:
        return len(self.items) + len(self.sent_back)


def _item(
    row: q.MeetingRow, now: datetime, config: HandshakeConfig, session: Session
) -> MeetingItem:
    m = row.meeting
    question = None
    if m.failed_criterion:
        criterion = config.qualification.criterion(m.failed_criterion)
        question = criterion.question if criterion else m.failed_criterion
    return MeetingItem(
        meeting_id=m.id or 0,
        handoff_id=m.handoff_id,
        lead_label=lead_label(row.lead),
        sdr_name=row.sdr_name or m.sdr_id,
        ae_name=row.ae_name or m.ae_id,
        meeting_at=m.meeting_at,
        due_at=m.due_at,
        overdue=aware(m.due_at) < now,
        late_minutes=overdue_minutes(m.ae_id, m.due_at, now, session=session, config=config),
        failed_question=question,
        decision_note=m.decision_note,
        decided_at=m.decided_at,
    )


def sdr_meetings(
    sdr_id: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> MeetingsView | None:
    counts = q.sdr_counts(sdr_id, session=session)
    if not (counts.awaiting or counts.sent_back):
        return None
    return MeetingsView(
        "sdr",
        items=tuple(
            _item(r, now, config, session)
            for r in q.awaiting_ae(sdr_id, session=session, limit=SDR_SHOWN)
        ),
        total=counts.awaiting,
        sent_back=tuple(
            _item(r, now, config, session)
            for r in q.sent_back_to(sdr_id, session=session, limit=SDR_SHOWN)
        ),
        sent_back_total=counts.sent_back,
    )


def ae_meetings(
    ae_id: str, *, session: Session, config: HandshakeConfig, now: datetime
) -> MeetingsView | None:
    total = q.to_decide_count(ae_id, session=session)
    if not total:
        return None
    rows = q.to_decide(ae_id, session=session, limit=AE_SHOWN)
    items = tuple(_item(r, now, config, session) for r in rows)
    return MeetingsView("ae", items=items, total=total)


def team_meetings(
    teams: Sequence[str] | None, *, session: Session, config: HandshakeConfig, now: datetime
) -> MeetingsView:
    counts = q.team_meeting_counts(teams, now, session=session)
    rows = (
        q.team_pending_meetings(teams, session=session, limit=TEAM_SHOWN) if counts.pending else []
    )
    return MeetingsView(
        "team",
        items=tuple(_item(r, now, config, session) for r in rows),
        total=counts.pending,
        overdue_total=counts.overdue,
    )


def meetings_for(
    role: str,
    slack_id: str,
    teams: Sequence[str] | None,
    *,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
) -> MeetingsView | None:
    """The meetings a person's Home shows: by role (None: nothing to show)."""
    if role == "sdr":
        return sdr_meetings(slack_id, session=session, config=config, now=now)
    if role == "ae":
        return ae_meetings(slack_id, session=session, config=config, now=now)
    if role in ("manager", "admin"):
        return team_meetings(teams, session=session, config=config, now=now)
    return None
