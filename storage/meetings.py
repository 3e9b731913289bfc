"""Meeting queries (the SDR → AE stage) and the compare-and-set that makes the AE's first
decision win."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import MEETING_PENDING, Meeting


def add_meeting(meeting: Meeting, *, session: Session) -> Meeting:
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(meeting_id: int, *, session: Session) -> Meeting | None:
    return session.get(Meeting, meeting_id)


def meetings_for_handoff(handoff_id: int, *, session: Session) -> list[Meeting]:
    """Every meeting booked on one SDR hand-off, oldest first (a sent-back one is kept)."""
    query = select(Meeting).where(Meeting.handoff_id == handoff_id).order_by(col(Meeting.id))
    return list(session.exec(query).all())


def meetings_for_lead(lead_id: int, *, session: Session) -> list[Meeting]:
    query = select(Meeting).where(Meeting.lead_id == lead_id).order_by(col(Meeting.id))
    return list(session.exec(query).all())


def pending_meeting_for_handoff(handoff_id: int, *, session: Session) -> Meeting | None:
    """The meeting awaiting its AE on this hand-off, if any (at most one at a time)."""
    query = select(Meeting).where(
        Meeting.handoff_id == handoff_id, Meeting.status == MEETING_PENDING
    )
    return session.exec(query.order_by(col(Meeting.id).desc())).first()


def claim_meeting_decision(
    meeting_id: int,
    *,
    session: Session,
    status: str,
    decided_by: str,
    decided_at: datetime,
    reason_code: str | None = None,
    reason_label: str | None = None,
    failed_criterion: str | None = None,
    decision_note: str | None = None,
) -> bool:
    """Record the AE's decision if the meeting is still pending. False: someone else won."""
    result = session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting_id, col(Meeting.status) == MEETING_PENDING)
        .values(
            status=status,
            decided_by=decided_by,
            decided_at=decided_at,
            reason_code=reason_code,
            reason_label=reason_label,
            failed_criterion=failed_criterion,
            decision_note=decision_note,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def set_meeting_card(meeting_id: int, channel: str, ts: str, *, session: Session) -> None:
    """Where the AE's DM card was posted, so decisions can update it in place."""
    session.execute(
        update(Meeting)
        .where(col(Meeting.id) == meeting_id)
        .values(ae_channel=channel, ae_ts=ts)
        .execution_options(synchronize_session=False)
    )


def pending_meetings_of(ae_id: str, *, session: Session) -> list[Meeting]:
    """The meetings waiting for this AE's decision, oldest first (their clocks follow the
    AE's time zone)."""
    query = select(Meeting).where(Meeting.ae_id == ae_id, Meeting.status == MEETING_PENDING)
    return list(session.exec(query.order_by(col(Meeting.id))).all())
