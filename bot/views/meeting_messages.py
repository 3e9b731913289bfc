"""Short answers of the SDR → AE stage (a click, a form), and the SDR's DM with the AE's
decision. mrkdwn, outside text escaped; `plain_tz` gives a modal's plain error line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.leads import lead_label as label_of
from bot.domain.meetings import CLOSED, DISQUALIFIED, PENDING_MEETING
from bot.services.meeting_cards import MeetingCardContext
from bot.views import blocks as bk
from bot.views.meeting_parts import decision_lines, name, outcome_word
from bot.views.messages import UNCHANGED, not_pending, slack_date
from bot.views.text import format_when, one_line, safe
from storage.models import MEETING_ACCEPTED, MEETING_REJECTED, MEETING_SENT_BACK

LEAD_LABEL = 300


def _lead(lead_label: str | None, *, plain: bool = False) -> str:
    label = safe(one_line(lead_label), LEAD_LABEL) if lead_label else ""
    if not label:
        return "this lead"
    return label if plain else f"*{label}*"


def booking_refused(lead_label: str | None, owner_name: str | None, *, plain: bool = False) -> str:
    return (
        f"Only {name(owner_name, 'the SDR')}, who holds {_lead(lead_label, plain=plain)}, "
        "can book its "
        f"meeting. {UNCHANGED}"
    )


def booking_unavailable(
    why: str | None,
    lead_label: str | None,
    *,
    ae_name: str | None = None,
    status: str | None = None,
    plain: bool = False,
) -> str:
    """Why Meeting booked does nothing now (a meeting pending, decided, or no lead)."""
    lead = _lead(lead_label, plain=plain)
    if why == PENDING_MEETING:
        return (
            f"A meeting on {lead} is already booked with {name(ae_name, 'an AE')} and waits "
            f"for their decision. {UNCHANGED}"
        )
    if why == CLOSED:
        return f"The meeting on {lead} was already {outcome_word(status or '')}. {UNCHANGED}"
    if why == DISQUALIFIED:
        return f"{lead} was disqualified after contact, so there is no meeting to book."
    return not_pending(lead_label, plain=plain)


def meeting_refusal(lead_label: str | None, ae_name: str | None, *, plain: bool = False) -> str:
    """ "Only the AE of the meeting on *Jordan Lee (Acme)* (Ana Alvarez), …" """
    lead = _lead(lead_label, plain=plain)
    return (
        f"Only the AE of the meeting on {lead} ({name(ae_name, 'the AE')}), their manager or "
        f"an admin can decide on it. {UNCHANGED}"
    )


def meeting_already(
    status: str,
    lead_label: str | None,
    by_name: str | None,
    at: datetime | None,
    *,
    plain_tz: str | None = None,
) -> str:
    lead = _lead(lead_label, plain=plain_tz is not None)
    text = f"The meeting on {lead} was already {outcome_word(status)}"
    if by_name and one_line(by_name):
        text += f" by {name(by_name)}"
    if at is not None:
        text += f" on {format_when(at, plain_tz) if plain_tz else slack_date(at)}"
    return f"{text}. {UNCHANGED}"


def meeting_outcome_dm(ctx: MeetingCardContext) -> dict[str, Any]:
    """The SDR's DM: what the AE decided on the meeting they booked."""
    lead = safe(one_line(label_of(ctx.lead)), LEAD_LABEL)
    status = ctx.meeting.status
    decider = name(ctx.decided_by_name or ctx.ae_name, "The AE")
    opening = {
        MEETING_ACCEPTED: f"✅ {decider} accepted your meeting on *{lead}* into pipeline.",
        MEETING_SENT_BACK: f"↩️ {decider} sent your meeting on *{lead}* back to you.",
        MEETING_REJECTED: f"❌ {decider} rejected the meeting on *{lead}*.",
    }.get(status, f"The meeting on *{lead}* was {outcome_word(status)}.")
    lines = [opening]
    if ctx.decision is not None:
        lines += decision_lines(ctx.decision, ctx.ae_tz)[1:]  # the gap, reason and note
    if status == MEETING_SENT_BACK:
        lines.append("Close the gap, then book it again with *Meeting booked* on your card.")
    text = safe(one_line(f"Meeting {outcome_word(status)}: {label_of(ctx.lead)}"), 150)
    return {"text": text, "blocks": [bk.section("\n".join(lines))]}
