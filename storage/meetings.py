"""Meeting queries (the SDR → AE stage) and the compare-and-set that makes the AE's first
decision win."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from storage.models import (
    MEETING_ACCEPTED,
    MEETING_PENDING,
    OUT_PENDING,
    OUT_SENDING,
    Handoff,
    Lead,
    Meeting,
    Outbox,
)

# Outbox kinds of the stage (jobs in bot/delivery/jobs/meeting.py); payload {"meeting_id"}.
POST_MEETING_CARD = "post_meeting_card"  # the AE's DM card, posted once (target "ae")
UPDATE_MEETING_CARD = "update_meeting_card"  # redrawn in place after the AE's decision
MEETING_DM = "meeting_dm"  # the SDR told the AE's decision (payload + "recipient")


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


def lock_handoff(handoff_id: int, *, session: Session) -> Handoff | None:
    """The hand-off, locked for this transaction (PostgreSQL; SQLite's BEGIN IMMEDIATE
    already serializes writers), so two bookings of one hand-off queue one after another."""
    query = select(Handoff).where(col(Handoff.id) == handoff_id).with_for_update()
    return session.exec(query).first()


def meeting_ae_of_domain(
    account_domain: str, exclude_lead_id: int, *, session: Session
) -> tuple[str, datetime] | None:
    """The AE of the latest pending or accepted meeting of another lead from the same
    account (`Lead.account_domain`), and when it was booked."""
    query = (
        select(Meeting.ae_id, Meeting.created_at)
        .join(Lead, col(Lead.id) == col(Meeting.lead_id))
        .where(
            Lead.account_domain == account_domain,
            Lead.id != exclude_lead_id,
            col(Meeting.status).in_([MEETING_PENDING, MEETING_ACCEPTED]),
        )
        .order_by(col(Meeting.created_at).desc(), col(Meeting.id).desc())
        .limit(1)
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def meeting_counts_since(
    since: datetime, *, session: Session, aes: Collection[str]
) -> dict[str, int]:
    """How many meetings each of `aes` was given since `since` (for daily capacity)."""
    if not aes:
        return {}
    query = (
        select(Meeting.ae_id, func.count())
        .where(col(Meeting.created_at) >= since, col(Meeting.ae_id).in_(list(aes)))
        .group_by(Meeting.ae_id)
    )
    return {ae: count for ae, count in session.exec(query).all()}


def unfinished_outbox(handoff_id: int, kind: str, meeting_id: int, *, session: Session) -> bool:
    """Is a row of `kind` for this meeting still on its way (pending or sending)?"""
    query = select(Outbox).where(
        Outbox.handoff_id == handoff_id,
        Outbox.kind == kind,
        col(Outbox.status).in_([OUT_PENDING, OUT_SENDING]),
    )
    return any((row.payload or {}).get("meeting_id") == meeting_id for row in session.exec(query))
