"""Helpers for the SDR → AE stage: a config whose first line is the SDRs, the booking
form's `state.values` as Slack sends them, and a lead taken to its Meeting booked modal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import ids
from bot.config import HandshakeConfig, parse_config
from storage.db import unit_of_work
from storage.meetings import meetings_for_lead
from storage.models import Meeting
from tests import factories as f
from tests.helpers import cards_for, click_card, dm_messages, wait_for

CODES = ("VALUE", "PROFIT", "COMPETE")  # the default criteria


def sdr_config(**overrides: Any) -> HandshakeConfig:
    return parse_config(f.config_data(routing={"first_line": "sdr"}, **overrides))


def booking_values(
    *,
    at: datetime | None,
    ae: str | None,
    answers: dict[str, str] | None = None,
    comments: dict[str, str] | None = None,
    note: str | None = None,
    codes: tuple[str, ...] = CODES,
) -> dict[str, Any]:
    """The booking modal's `view.state.values`; every criterion "yes" unless `answers`."""
    answers = {code: "yes" for code in codes} if answers is None else answers
    values: dict[str, Any] = {
        ids.MEETING_AT_BLOCK: {
            ids.MEETING_AT_INPUT: {
                "type": "datetimepicker",
                "selected_date_time": int(at.timestamp()) if at else None,
            }
        },
        ids.MEETING_AE_BLOCK: {
            ids.MEETING_AE_INPUT: {
                "type": "static_select",
                "selected_option": {"value": ae} if ae else None,
            }
        },
    }
    for code, answer in answers.items():
        values[ids.MEETING_ANSWER_BLOCK + code] = {
            ids.MEETING_ANSWER_INPUT: {
                "type": "radio_buttons",
                "selected_option": {"value": answer},
            }
        }
    for code, comment in (comments or {}).items():
        values[ids.MEETING_COMMENT_BLOCK + code] = {
            ids.MEETING_COMMENT_INPUT: {"type": "plain_text_input", "value": comment}
        }
    if note is not None:
        values[ids.NOTE_BLOCK] = {ids.NOTE_INPUT: {"type": "plain_text_input", "value": note}}
    return values


def accepted_by_sam(bot: Any, **lead: Any) -> f.Routed:
    """A lead routed to SDR Sam, accepted by him, both cards delivered."""
    routed = f.routed_handoff(bot, **lead)
    assert routed.answer["owner"] == f.SAM
    card = cards_for(bot.slack, bot.slack.state.dm_channel_id(f.SAM), routed.handoff.id)[0]
    click_card(bot, f.SAM, ids.ACCEPT, routed.handoff, card)
    wait_for(lambda: _status(bot, routed.lead_id) == "accepted")
    bot.deliver()
    return routed


def sam_card(bot: Any, routed: f.Routed) -> Any:
    return cards_for(bot.slack, bot.slack.state.dm_channel_id(f.SAM), routed.handoff.id)[0]


def open_booking(bot: Any, routed: f.Routed, user: str = f.SAM) -> Any:
    """`user` clicks Meeting booked on Sam's card; the modal that opened."""
    before = {m.id for m in bot.slack.state.open_modals(user)}
    click_card(bot, user, ids.TOUCH_MEETING, routed.handoff, sam_card(bot, routed))
    new = wait_for(lambda: [m for m in bot.slack.state.open_modals(user) if m.id not in before])
    return new[-1]


def book(bot: Any, routed: f.Routed, *, ae: str = f.ANA, **values: Any) -> Any:
    """Open the form, submit it (meeting tomorrow, every answer yes), deliver; the meeting."""
    modal = open_booking(bot, routed)
    at = values.pop("at", bot.runtime.clock() + timedelta(days=1))
    answer = bot.peer.submit_view(f.SAM, modal.id, booking_values(at=at, ae=ae, **values))
    assert answer.status_code == 200 and not answer.content.strip(), answer.text
    bot.deliver()
    return meetings_of(bot, routed.lead_id)[-1]


def send_back(bot: Any, meeting: Meeting, *, criterion: str = "PROFIT", note: str = "Gap") -> None:
    """The meeting's AE clicks Send back to SDR on their card and submits the form."""
    card = meeting_card(bot, meeting.ae_id, meeting.id or 0)
    before = {m.id for m in bot.slack.state.open_modals(meeting.ae_id)}
    bot.peer.click(
        meeting.ae_id, ids.MEETING_SEND_BACK, str(meeting.id),
        message_channel=card.channel, message_ts=card.ts,
    )  # fmt: skip
    modal = wait_for(
        lambda: [m for m in bot.slack.state.open_modals(meeting.ae_id) if m.id not in before]
    )[-1]
    values = {
        ids.MEETING_CRITERION_BLOCK: {
            ids.MEETING_CRITERION_INPUT: {
                "type": "static_select", "selected_option": {"value": criterion},
            }
        },
        ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"type": "plain_text_input", "value": note}},
    }  # fmt: skip
    answer = bot.peer.submit_view(meeting.ae_id, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip(), answer.text
    bot.deliver()


def meetings_of(bot: Any, lead_id: int) -> list[Meeting]:
    with unit_of_work(bot.runtime.engine) as session:
        return meetings_for_lead(lead_id, session=session)


def meeting_card(bot: Any, ae: str, meeting_id: int) -> Any:
    found = [
        m
        for m in dm_messages(bot.slack, ae)
        if ((m.metadata or {}).get("event_payload") or {}).get("meeting_id") == meeting_id
    ]
    assert len(found) == 1, found
    return found[0]


def _status(bot: Any, lead_id: int) -> str:
    from storage.handoffs import handoffs_for_lead

    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)[-1].status
