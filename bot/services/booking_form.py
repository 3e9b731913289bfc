"""The booking form's contents and what the SDR submitted, checked field by field (the
errors are named by field; the handler puts each next to its block)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import HandshakeConfig
from bot.config.qualification import ANSWERS, Criterion
from bot.domain.lifecycle import NOTE_MAX_LENGTH
from bot.domain.meetings import COMMENT_MAX_LENGTH, meeting_time_problem
from bot.services.meeting_routing import AeChoice

# INVALID: the fields at fault (`errors`): these, and "answer:CODE" / "comment:CODE".
AT_FIELD, AE_FIELD, NOTE_FIELD = "meeting_at", "ae", "note"


@dataclass(frozen=True)
class BookingForm:
    handoff_id: int
    lead_label: str
    criteria: tuple[Criterion, ...]
    choices: tuple[AeChoice, ...]
    suggested: str  # pre-filled by routing
    rule: str


@dataclass(frozen=True)
class Answer:
    answer: str | None  # yes | unsure | no
    comment: str | None = None


@dataclass(frozen=True)
class Booking:
    """What the SDR submitted (parsed, not yet checked)."""

    meeting_at: datetime | None
    ae_id: str | None
    answers: dict[str, Answer]  # by criterion code
    note: str | None = None
    suggested: str | None = None  # the form's pre-fill, and the rule that chose it
    rule: str | None = None


def input_errors(config: HandshakeConfig, booking: Booking, now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if booking.meeting_at is None:
        errors[AT_FIELD] = "Pick the meeting's date and time."
    elif problem := meeting_time_problem(booking.meeting_at, now):
        errors[AT_FIELD] = problem
    if not booking.ae_id:
        errors[AE_FIELD] = "Pick the AE who takes the meeting."
    for criterion in config.qualification.criteria:
        given = booking.answers.get(criterion.code)
        if given is None or given.answer not in ANSWERS:
            errors[f"answer:{criterion.code}"] = "Answer Yes, Unsure or No."
        elif given.comment and len(given.comment) > COMMENT_MAX_LENGTH:
            errors[f"comment:{criterion.code}"] = (
                f"Keep a comment to {COMMENT_MAX_LENGTH} characters."
            )
    if booking.note and len(booking.note) > NOTE_MAX_LENGTH:
        errors[NOTE_FIELD] = f"Keep the note to {NOTE_MAX_LENGTH} characters."
    return errors
