"""The SDR → AE stage in numbers: the stage funnel (hand-offs created in the window), and
the meetings booked in the window by SDR, AE and outcome, the minutes from a meeting to
its decision, the criteria answers by outcome and the criteria that failed on Send back.

A meeting is in a window's scope when its SDR or its AE is one of the window's `owners`
(None: everyone's). Indexes that serve them: meeting(created_at), meeting(handoff_id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, distinct, exists, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.aggregates import Spread, minutes_between, percentile_columns, rounded, spread
from storage.models import (
    ACCEPTED,
    MEETING_ACCEPTED,
    MEETING_DECIDED,
    MEETING_SENT_BACK,
    Handoff,
    Meeting,
)
from storage.reports.window import Window


@dataclass(frozen=True)
class StageCounts:
    """Distinct leads of the hand-offs created in the window: handed off (the MQLs), with an
    accepted hand-off, with a meeting booked on it, with a meeting accepted into pipeline."""

    handed_off: int
    sdr_accepted: int
    booked: int
    pipeline: int


@dataclass(frozen=True)
class MeetingTally:
    """Meetings booked in the window with this SDR, AE and status."""

    sdr_id: str
    ae_id: str
    status: str
    count: int


@dataclass(frozen=True)
class AnswerTally:
    """Meetings booked in the window whose SDR gave `answer` to `code`, by status."""

    code: str
    answer: str
    status: str
    count: int


def in_meeting_window(window: Window) -> list[ColumnElement[bool]]:
    """Meetings booked in [since, until), with an SDR or an AE among `owners` when set."""
    created = col(Meeting.created_at)
    where = [created >= window.since, created < window.until]
    if window.owners is not None:
        owners = sorted(window.owners)
        where.append(or_(col(Meeting.sdr_id).in_(owners), col(Meeting.ae_id).in_(owners)))
    return where


def stage_counts(window: Window, *, session: Session) -> StageCounts:
    """The stage funnel over the hand-offs created in the window. In a scope, a hand-off
    counts when its owner is in it or one of its meetings went to an AE in it."""
    handoff_id, lead_id = col(Handoff.id), col(Handoff.lead_id)
    on_handoff = col(Meeting.handoff_id) == handoff_id
    booked = exists().where(on_handoff)
    accepted = exists().where(on_handoff, col(Meeting.status) == MEETING_ACCEPTED)
    created = col(Handoff.created_at)
    where: list[Any] = [created >= window.since, created < window.until]
    if window.owners is not None:
        owners = sorted(window.owners)
        for_ae = exists().where(on_handoff, col(Meeting.ae_id).in_(owners))
        where.append(or_(col(Handoff.owner_id).in_(owners), for_ae))
    query = select(
        func.count(distinct(lead_id)),
        func.count(distinct(case((col(Handoff.status) == ACCEPTED, lead_id)))),
        func.count(distinct(case((booked, lead_id)))),
        func.count(distinct(case((accepted, lead_id)))),
    ).where(*where)
    return StageCounts(*session.execute(query).one())


def meeting_tallies(window: Window, *, session: Session) -> list[MeetingTally]:
    """Meetings booked in the window, by SDR, AE and status."""
    keys = (col(Meeting.sdr_id), col(Meeting.ae_id), col(Meeting.status))
    query = select(*keys, func.count()).where(*in_meeting_window(window)).group_by(*keys)
    return [MeetingTally(*row) for row in session.execute(query).all()]


def decision_minutes(
    window: Window, *, session: Session, fractions: Sequence[float]
) -> Spread | None:
    """Minutes from the meeting's time to the AE's decision, for the decided meetings booked
    in the window; a decision before the meeting counts as 0. None: no decided meeting."""
    dialect = session.get_bind().dialect.name
    raw = minutes_between(col(Meeting.meeting_at), col(Meeting.decided_at), dialect=dialect)
    minutes = case((raw < 0, 0.0), else_=raw)
    where = [
        *in_meeting_window(window),
        col(Meeting.status).in_(MEETING_DECIDED),
        col(Meeting.decided_at).is_not(None),
    ]
    if dialect == "postgresql":
        query = select(func.count(), *percentile_columns(minutes, fractions)).where(*where)
        count, *values = session.execute(query).one()
        return Spread(count, tuple(rounded(v) for v in values)) if count else None
    values = [row[0] for row in session.connection().execute(select(minutes).where(*where))]
    return spread(values, fractions) if values else None


def answer_tallies(window: Window, *, session: Session) -> list[AnswerTally]:
    """Meetings booked in the window by (criterion, answer, status), counted in the database
    over the JSON `answers` list: json_each on SQLite, json_array_elements on PostgreSQL."""
    dialect = session.get_bind().dialect.name
    answers = col(Meeting.answers)
    if dialect == "postgresql":
        element = func.json_array_elements(answers).table_valued("value").alias("a")
        code, answer = (element.c.value.op("->>")(key) for key in ("code", "answer"))
    else:
        element = func.json_each(answers).table_valued("value").alias("a")
        code, answer = (func.json_extract(element.c.value, f"$.{k}") for k in ("code", "answer"))
    status = col(Meeting.status)
    query = (
        select(code, answer, status, func.count())
        .select_from(Meeting)
        .join(element, true())
        .where(*in_meeting_window(window), code.is_not(None), answer.is_not(None))
        .group_by(code, answer, status)
    )
    return [AnswerTally(str(c), str(a), s, n) for c, a, s, n in session.execute(query).all()]


def failed_criteria(window: Window, *, session: Session) -> dict[str, int]:
    """Meetings booked in the window and sent back, by the criterion the AE said failed."""
    failed = col(Meeting.failed_criterion)
    query = (
        select(failed, func.count())
        .where(*in_meeting_window(window), col(Meeting.status) == MEETING_SENT_BACK)
        .where(failed.is_not(None))
        .group_by(failed)
    )
    return {code: count for code, count in session.execute(query).all()}
