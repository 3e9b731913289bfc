"""Recycled leads: of the hand-offs handed back in the window (by `decided_at`, the moment
of the hand-back), by hand-back reason, how many came back (a later hand-off of the same
lead: by intake, or by Re-engage when a `re_engaged` event names the hand-back), how many
of those were accepted (a later hand-off accepted, or touched after acceptance) and how
many reached a meeting (a later hand-off's first touch `meeting_booked`, or a Meeting row
on it). The window's `owners` filter the hand-back's owner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.models import ACCEPTED, HANDED_BACK, Event, Handoff, Meeting
from storage.reports.window import Window

RE_ENGAGED = "re_engaged"
MEETING_BOOKED = "meeting_booked"


@dataclass(frozen=True)
class RecycleTally:
    reason_code: str | None
    reason_label: str | None  # the label stored at hand-back (the latest seen)
    handed_back: int
    came_back: int
    re_engaged: int  # of came_back: by Re-engage (the rest came back by intake)
    accepted: int
    meeting: int


def recycle_tallies(window: Window, *, session: Session) -> list[RecycleTally]:
    """One row per hand-back reason, most handed back first."""
    later = aliased(Handoff)
    after = and_(col(later.lead_id) == col(Handoff.lead_id), col(later.id) > col(Handoff.id))
    came_back = exists().where(after)
    re_engaged = exists().where(
        col(Event.kind) == RE_ENGAGED, col(Event.handoff_id) == col(Handoff.id)
    )
    accepted = exists().where(
        after, or_(col(later.status) == ACCEPTED, col(later.first_touch_at).is_not(None))
    )
    on_later = exists().where(col(Meeting.handoff_id) == col(later.id))
    meeting = exists().where(after, or_(col(later.first_touch) == MEETING_BOOKED, on_later))
    decided, code = col(Handoff.decided_at), col(Handoff.reason_code)
    where = [col(Handoff.status) == HANDED_BACK, decided >= window.since, decided < window.until]
    if window.owners is not None:
        where.append(col(Handoff.owner_id).in_(sorted(window.owners)))

    def counted(condition: object) -> object:
        return func.count(case((condition, 1)))

    total = func.count()
    query = (
        select(
            code,
            func.max(col(Handoff.reason_label)),
            total,
            counted(came_back),
            counted(and_(came_back, re_engaged)),
            counted(accepted),
            counted(meeting),
        )
        .where(*where)
        .group_by(code)
        .order_by(total.desc(), code)
    )
    return [RecycleTally(*row) for row in session.execute(query).all()]


def return_counts(since: datetime, until: datetime, *, session: Session) -> tuple[int, int]:
    """(handed back in [since, until), came back since), everyone's: for the digest."""
    window = Window(since, until)
    rows = recycle_tallies(window, session=session)
    return sum(r.handed_back for r in rows), sum(r.came_back for r in rows)
