"""The SDR → AE stage's SLA DMs: the AE nudged about a meeting still to decide (with the
three decisions), the AE's manager told (no buttons: the AE decides on the card), and
either once the meeting is decided. Names and labels are raw: escaped here, once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.views import blocks as bk
from bot.views.meeting_parts import meeting_buttons
from bot.views.sla_messages import build_settled_sla_message
from bot.views.sla_parts import https_url
from bot.views.text import format_when, one_line, safe, trim

LEAD_LABEL = 300
NAME = 200
WAITED = 40
FALLBACK_TEXT = 150
DECIDED_VERB = {
    "accepted": "Accepted into pipeline",
    "sent_back": "Sent back to the SDR",
    "rejected": "Rejected",
}


def _name(name: object, default: str) -> str:
    return safe(one_line(name), NAME) or default


def _link(permalink: object) -> str:
    url = https_url(permalink)
    return f"\n<{url}|Open the meeting card>" if url else ""


def _message(fallback: str, blocks: list[bk.Block]) -> dict[str, Any]:
    return {"text": trim(fallback, FALLBACK_TEXT), "blocks": blocks[: bk.MAX_BLOCKS]}


def build_meeting_nudge(
    *,
    meeting_id: int,
    lead_label: str,
    sdr_name: str | None,
    meeting_at: datetime,
    due_at: datetime,
    tz: str,
    permalink: str | None = None,
) -> dict[str, Any]:
    """DM to the AE: the meeting an SDR booked still waits for their decision."""
    lead = safe(one_line(lead_label), LEAD_LABEL) or "a lead"
    sdr = _name(sdr_name, "the SDR")
    text = (
        f"⏰ Still to decide: the meeting *{sdr}* booked with *{lead}* on "
        f"*{format_when(meeting_at, tz)}* — due *{format_when(due_at, tz)}*.\n"
        f"Accept it into your pipeline, send it back to {sdr}, or reject it."
    )
    blocks = [bk.section(text + _link(permalink)), bk.actions(meeting_buttons(meeting_id))]
    return _message(f"⏰ Still to decide: the meeting with {lead}", blocks)


def build_meeting_escalation(
    *,
    lead_label: str,
    sdr_name: str | None,
    ae_name: str | None,
    meeting_at: datetime,
    due_at: datetime,
    waited: str,
    tz: str,
    ae_left: str | None = None,
    meeting_id: int | None = None,
) -> dict[str, Any]:
    """DM to the AE's manager: the AE has let a booked meeting wait. No buttons: the AE
    decides, on their meeting card. `ae_left` (why the AE can no longer decide): the
    manager is asked to decide, here, with the meeting's buttons (`meeting_id`)."""
    lead = safe(one_line(lead_label), LEAD_LABEL) or "a lead"
    sdr, ae = _name(sdr_name, "an SDR"), _name(ae_name, "The AE")
    if ae_left is not None and meeting_id is not None:
        why = safe(one_line(ae_left), WAITED)
        text = (
            f"🚪 *{ae}* can no longer decide on the meeting *{sdr}* booked with *{lead}* on "
            f"*{format_when(meeting_at, tz)}* ({why}). Decide it here: *Send back to SDR* "
            "lets them book it again with another AE."
        )
        blocks = [bk.section(text), bk.actions(meeting_buttons(meeting_id))]
        return _message(f"🚪 {ae} left: decide on the meeting with {lead}", blocks)
    wait = safe(one_line(waited), WAITED)
    since = f", {wait} of working time since the meeting" if wait else ""
    text = (
        f"🚨 *{ae}* has not decided on the meeting *{sdr}* booked with *{lead}* on "
        f"*{format_when(meeting_at, tz)}* (due *{format_when(due_at, tz)}*{since})."
    )
    blocks = [bk.section(text), bk.context(f"Ask {ae} to decide on the meeting card.")]
    return _message(f"🚨 {ae} has not decided on the meeting with {lead}", blocks)


def build_settled_meeting_dm(
    *,
    lead_label: str,
    escalation: bool,
    status: str,
    by_name: str | None,
    detail: str | None,
    at: datetime | None,
    tz: str,
) -> dict[str, Any]:
    """A meeting nudge or escalation once decided: the buttons are gone, the outcome shown."""
    verb = DECIDED_VERB.get(status, status.replace("_", " ").capitalize())
    outcome = f"{verb} by {one_line(by_name)}" if one_line(by_name) else verb
    return build_settled_sla_message(
        lead_label=f"Meeting with {one_line(lead_label) or 'a lead'}",
        escalation=escalation,
        outcome=outcome,
        detail=detail,
        at=at,
        tz=tz,
        permalink=None,
    )
