"""The queries behind App Home's part of the SDR → AE stage: an SDR's meetings awaiting an
AE (and those sent back, until booked again), an AE's meetings to decide, a team's pending
meetings. Each list is a page (`limit`), its total counted in SQL.

`teams` scopes to meetings whose AE or SDR is in one of those teams (a manager sees the
meetings their AEs hold and those their SDRs booked); `None` means everyone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.aggregates import count_if
from storage.models import MEETING_PENDING, MEETING_SENT_BACK, Lead, Meeting, Person

_Sdr = aliased(Person)
_Ae = aliased(Person)
_Later = aliased(Meeting)


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    lead: Lead
    sdr_name: str | None  # None: not on the roster
    ae_name: str | None


@dataclass(frozen=True)
class SdrCounts:
    awaiting: int  # booked, the AE has not decided
    sent_back: int  # sent back and not booked again


@dataclass(frozen=True)
class TeamMeetingCounts:
    pending: int
    overdue: int  # past their due time


def _rows(*columns: Any) -> Any:
    """Meetings with their lead and both people's names (a page of rows); with `columns`,
    the same joins for a count."""
    what = columns or (Meeting, Lead, _Sdr.name, _Ae.name)
    return (
        select(*what)
        .join(Lead, col(Lead.id) == col(Meeting.lead_id))
        .outerjoin(_Sdr, _Sdr.slack_id == col(Meeting.sdr_id))
        .outerjoin(_Ae, _Ae.slack_id == col(Meeting.ae_id))
    )


def _not_booked_again() -> Any:
    """No later meeting on the same hand-off: the SDR has not booked it again yet."""
    return ~exists().where(
        _Later.handoff_id == Meeting.handoff_id,
        _Later.id > Meeting.id,  # type: ignore[operator]
    )


def _page(query: Any, *, session: Session, limit: int) -> list[MeetingRow]:
    return [MeetingRow(m, lead, sdr, ae) for m, lead, sdr, ae in session.exec(query.limit(limit))]


# -- an SDR ----------------------------------------------------------------------------------


def sdr_counts(sdr_id: str, *, session: Session) -> SdrCounts:
    sent_back = (col(Meeting.status) == MEETING_SENT_BACK) & _not_booked_again()
    query = select(count_if(col(Meeting.status) == MEETING_PENDING), count_if(sent_back)).where(
        Meeting.sdr_id == sdr_id, col(Meeting.status).in_([MEETING_PENDING, MEETING_SENT_BACK])
    )
    awaiting, back = session.exec(query).one()
    return SdrCounts(int(awaiting), int(back))


def awaiting_ae(sdr_id: str, *, session: Session, limit: int) -> list[MeetingRow]:
    """The SDR's meetings waiting for their AE, the soonest due first."""
    query = _rows().where(Meeting.sdr_id == sdr_id, Meeting.status == MEETING_PENDING)
    query = query.order_by(col(Meeting.due_at), col(Meeting.id))
    return _page(query, session=session, limit=limit)


def sent_back_to(sdr_id: str, *, session: Session, limit: int) -> list[MeetingRow]:
    """Meetings an AE sent back to the SDR and not booked again, the latest first."""
    query = _rows().where(
        Meeting.sdr_id == sdr_id, Meeting.status == MEETING_SENT_BACK, _not_booked_again()
    )
    query = query.order_by(col(Meeting.decided_at).desc(), col(Meeting.id).desc())
    return _page(query, session=session, limit=limit)


# -- an AE -----------------------------------------------------------------------------------


def to_decide_count(ae_id: str, *, session: Session) -> int:
    query = select(func.count()).where(Meeting.ae_id == ae_id, Meeting.status == MEETING_PENDING)
    return int(session.exec(query).one())


def to_decide(ae_id: str, *, session: Session, limit: int) -> list[MeetingRow]:
    """The AE's meetings to decide, the soonest due (or longest overdue) first."""
    query = _rows().where(Meeting.ae_id == ae_id, Meeting.status == MEETING_PENDING)
    query = query.order_by(col(Meeting.due_at), col(Meeting.id))
    return _page(query, session=session, limit=limit)


# -- a team ----------------------------------------------------------------------------------


def _in_teams(query: Any, teams: Sequence[str] | None) -> Any:
    if teams is None:
        return query
    return query.where(or_(col(_Ae.team).in_(list(teams)), col(_Sdr.team).in_(list(teams))))


def team_meeting_counts(
    teams: Sequence[str] | None, now: datetime, *, session: Session
) -> TeamMeetingCounts:
    query = _in_teams(_rows(func.count(), count_if(col(Meeting.due_at) < now)), teams)
    pending, overdue = session.exec(query.where(Meeting.status == MEETING_PENDING)).one()
    return TeamMeetingCounts(int(pending), int(overdue))


def team_pending_meetings(
    teams: Sequence[str] | None, *, session: Session, limit: int
) -> list[MeetingRow]:
    """The team's meetings waiting for an AE, the longest overdue first."""
    query = _in_teams(_rows().where(Meeting.status == MEETING_PENDING), teams)
    query = query.order_by(col(Meeting.due_at), col(Meeting.id))
    return _page(query, session=session, limit=limit)
