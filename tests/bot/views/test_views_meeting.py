"""The SDR → AE stage's pure builders: the AE's meeting card, the booking form and the
AE's two decision forms, the lead card's path, the SDR's DM; escaped and within limits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import ids
from bot.config.qualification import DEFAULT_CRITERIA
from bot.config.reasons import DEFAULT_REJECT_REASONS
from bot.services.booking_form import BookingForm
from bot.services.meeting_cards import AnswerItem, MeetingCardContext, MeetingItem
from bot.services.meeting_routing import AeChoice
from bot.views.lead_card import build_lead_card
from bot.views.meeting_card import build_meeting_card
from bot.views.meeting_messages import meeting_outcome_dm
from bot.views.meeting_modals import (
    booking_error_blocks,
    build_booking_modal,
    build_meeting_reject_modal,
    build_send_back_modal,
    metadata_of,
    parse_booking,
)
from storage.models import ACCEPTED, Meeting
from tests.meetings import booking_values

AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
HOSTILE = "<!channel> & <@U0BAD> *bold*"


def make_meeting(**kw: Any) -> Meeting:
    fields: dict[str, Any] = {
        "id": 7,
        "handoff_id": 42,
        "lead_id": 11,
        "sdr_id": "U0SDR0001",
        "ae_id": "U0AE00001",
        "ae_rule": "round_robin",
        "meeting_at": AT,
        "criteria_version": "2026-11",
        "answers": [],
        "note": "CFO joins & <signs>",
        "status": "pending",
        "created_at": AT - timedelta(days=1),
        "due_at": AT + timedelta(days=1),
    }
    return Meeting(**{**fields, **kw})


ANSWERS = (
    AnswerItem("VALUE", "Can we demonstrate sufficient value?", "yes", None),
    AnswerItem("PROFIT", "Can we deliver with profit?", "unsure", HOSTILE),
    AnswerItem("COMPETE", "Can we compete?", "no", "Incumbent"),
)


def meeting_ctx(kit: Any, meeting: Meeting | None = None, **kw: Any) -> MeetingCardContext:
    meeting = meeting or make_meeting()
    handoff = kit.handoff(status=ACCEPTED, owner_id="U0SDR0001", decided_at=AT - timedelta(days=2))
    fields: dict[str, Any] = {
        "meeting": meeting,
        "lead": kit.lead(),
        "handoff": handoff,
        "sdr_name": "Sam Diaz",
        "ae_name": "Ana Alvarez",
        "ae_tz": "America/New_York",
        "answers": ANSWERS,
        "accepted_by_name": "Sam Diaz",
        "decision": item(meeting),
    }
    return MeetingCardContext(**{**fields, **kw})


def item(meeting: Meeting, **kw: Any) -> MeetingItem:
    fields: dict[str, Any] = {
        "id": meeting.id,
        "ae_name": "Ana Alvarez",
        "status": meeting.status,
        "meeting_at": meeting.meeting_at,
        "booked_at": meeting.created_at,
        "due_at": meeting.due_at,
        "decided_at": meeting.decided_at,
        "decided_by_name": "Ana Alvarez" if meeting.decided_at else None,
        "failed_question": "Can we compete?" if meeting.failed_criterion else None,
        "reason_label": meeting.reason_label,
        "decision_note": meeting.decision_note,
    }
    return MeetingItem(**{**fields, **kw})


def test_the_ae_card_while_pending(kit, check_limits, visible, buttons):
    card = build_meeting_card(meeting_ctx(kit))
    assert check_limits(card) == []
    assert card["text"] == "Meeting-qualified by Sam Diaz: Dana Scully (Acme)"
    raw = json.dumps(card["blocks"], ensure_ascii=False)
    assert f"Meeting-qualified by *Sam Diaz* · meeting <!date^{int(AT.timestamp())}^" in raw
    assert "|Wed 25 Nov 2026, 10:00 EST>" in raw  # the fallback names the AE's zone
    text = visible(card)
    assert "✓ *Can we demonstrate sufficient value?*" in text
    assert "? *Can we deliver with profit?* — &lt;!channel&gt; &amp; &lt;@U0BAD&gt;" in text
    assert "✗ *Can we compete?* — Incumbent" in text
    assert "*Sam Diaz's note*\n> CFO joins &amp; &lt;signs&gt;" in text
    assert "✅ Accepted by Sam Diaz on Mon 23 Nov 2026, 10:00 EST" in text  # first hand-off
    assert "Asked about SSO." in text and "VP Operations" in text
    assert "Awaiting your decision" in text
    assert [b[:2] for b in buttons(card)] == [
        ("Accept into pipeline", ids.MEETING_ACCEPT),
        ("Send back to SDR", ids.MEETING_SEND_BACK),
        ("Reject", ids.MEETING_REJECT),
        ("Open in CRM", ids.CRM_LINK),
    ]
    assert {b[2] for b in buttons(card)[:3]} == {"7"}


def test_the_ae_card_once_decided_and_with_an_earlier_meeting(kit, check_limits, visible, buttons):
    earlier = make_meeting(
        id=3,
        ae_id="U0AE00002",
        status="sent_back",
        failed_criterion="COMPETE",
        decided_at=AT - timedelta(days=5),
        decision_note="Who <else>?",
    )
    decided = make_meeting(
        status="rejected",
        decided_at=AT + timedelta(hours=2),
        decided_by="U0AE00001",
        reason_code="R-ICP",
        reason_label="Too small",
        decision_note="Call back in spring",
    )
    ctx = meeting_ctx(kit, decided, earlier=(item(earlier, ae_name="Ben Brooks"),))
    card = build_meeting_card(ctx)
    assert check_limits(card) == []
    text = visible(card)
    assert "Meeting with Ben Brooks on" in text
    assert "sent back by Ana Alvarez, failed ✗ Can we compete? — “Who &lt;else&gt;?”" in text
    assert "*❌ Rejected by the AE* by Ana Alvarez on Wed 25 Nov 2026, 12:00 EST" in text
    assert "*Reason:* Too small" in text and "> Call back in spring" in text
    assert [b[0] for b in buttons(card)] == ["Open in CRM"]
    assert card["text"] == "Meeting rejected: Dana Scully (Acme)"


def test_a_huge_meeting_card_stays_within_slack_limits(kit, check_limits):
    many = tuple(AnswerItem(f"C{i}", "Q" * 150, "no", "x" * 500) for i in range(10))
    meeting = make_meeting(note="n" * 5000)
    ctx = meeting_ctx(kit, meeting, answers=many, earlier=(item(meeting),) * 20)
    assert check_limits(build_meeting_card(ctx)) == []


def test_the_booking_form(check_limits):
    form = BookingForm(
        handoff_id=42,
        lead_label=HOSTILE,
        criteria=DEFAULT_CRITERIA,
        choices=(AeChoice("U0AE00001", "Ana Alvarez · enterprise"), AeChoice("U0AE00002", "Ben")),
        suggested="U0AE00002",
        rule="account",
    )
    view = build_booking_modal(form)
    assert check_limits(view, surface="modal") == []
    assert view["callback_id"] == ids.MEETING_BOOK_MODAL
    meta = json.loads(view["private_metadata"])
    assert meta == {"handoff_id": 42, "ae": "U0AE00002", "rule": "account"}
    blocks = [b.get("block_id") for b in view["blocks"]]
    assert blocks == [
        None,
        ids.MEETING_AT_BLOCK,
        ids.MEETING_AE_BLOCK,
        *(
            block + c.code
            for c in DEFAULT_CRITERIA
            for block in (ids.MEETING_ANSWER_BLOCK, ids.MEETING_COMMENT_BLOCK)
        ),
        ids.NOTE_BLOCK,
    ]
    ae = view["blocks"][2]
    assert ae["element"]["initial_option"]["value"] == "U0AE00002"
    assert "already holds this account" in ae["hint"]["text"]
    assert "&lt;!channel&gt;" in view["blocks"][0]["text"]["text"]
    assert metadata_of(view["private_metadata"], "handoff_id") == (42, meta)


def test_the_booking_form_is_read_back():
    at = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)
    values = booking_values(
        at=at,
        ae="U0AE00003",
        answers={"VALUE": "yes", "PROFIT": "no"},
        comments={"PROFIT": "  thin margins "},
        note=" bring the CTO ",
    )
    booking = parse_booking(
        values, {"ae": "U0AE00001", "rule": "round_robin"}, ["VALUE", "PROFIT", "COMPETE"]
    )
    assert booking.meeting_at == at and booking.ae_id == "U0AE00003"
    assert booking.answers["PROFIT"].answer == "no"
    assert booking.answers["PROFIT"].comment == "thin margins"
    assert booking.answers["COMPETE"].answer is None
    assert booking.note == "bring the CTO"
    assert (booking.suggested, booking.rule) == ("U0AE00001", "round_robin")
    for bad in ("soon", -5, True, 10**13, None):
        values[ids.MEETING_AT_BLOCK][ids.MEETING_AT_INPUT]["selected_date_time"] = bad
        assert parse_booking(values, {}, []).meeting_at is None
    assert parse_booking({}, {"ae": 5}, ["VALUE"]).suggested is None
    assert metadata_of("{not json", "handoff_id") is None
    assert metadata_of(json.dumps({"handoff_id": "x"}), "handoff_id") is None


def test_errors_are_named_by_block():
    errors = booking_error_blocks(
        {"meeting_at": "a", "ae": "b", "note": "c", "answer:VALUE": "d", "comment:PROFIT": "e"}
    )
    assert errors == {
        ids.MEETING_AT_BLOCK: "a",
        ids.MEETING_AE_BLOCK: "b",
        ids.NOTE_BLOCK: "c",
        ids.MEETING_ANSWER_BLOCK + "VALUE": "d",
        ids.MEETING_COMMENT_BLOCK + "PROFIT": "e",
    }


def test_an_error_for_a_block_the_form_lacks_becomes_one_line_on_the_first_field():
    """A criterion added by a config reload while the form was open: Slack would refuse
    an error naming a block the form does not have."""
    from bot.views.meeting_modals import CRITERIA_CHANGED

    shown = [ids.MEETING_AT_BLOCK, ids.MEETING_AE_BLOCK, ids.MEETING_ANSWER_BLOCK + "VALUE"]
    errors = {"answer:VALUE": "a", "answer:NEW": "Answer Yes, Unsure or No."}
    assert booking_error_blocks(errors, shown) == {ids.MEETING_AT_BLOCK: CRITERIA_CHANGED}
    assert booking_error_blocks({"answer:VALUE": "a"}, shown) == {
        ids.MEETING_ANSWER_BLOCK + "VALUE": "a"
    }


def test_the_send_back_and_reject_forms(check_limits):
    back = build_send_back_modal(meeting_id=7, lead_label=HOSTILE, criteria=DEFAULT_CRITERIA)
    reject = build_meeting_reject_modal(
        meeting_id=7, lead_label="Dana", reasons=DEFAULT_REJECT_REASONS
    )
    for view in (back, reject):
        assert check_limits(view, surface="modal") == []
        assert json.loads(view["private_metadata"]) == {"meeting_id": 7}
    assert back["callback_id"] == ids.MEETING_SEND_BACK_MODAL
    criterion, note = back["blocks"][1], back["blocks"][2]
    assert criterion["block_id"] == ids.MEETING_CRITERION_BLOCK and criterion["optional"] is False
    assert [o["value"] for o in criterion["element"]["options"]] == ["VALUE", "PROFIT", "COMPETE"]
    assert note["block_id"] == ids.NOTE_BLOCK and note["optional"] is False
    assert reject["callback_id"] == ids.MEETING_REJECT_MODAL
    assert reject["blocks"][1]["block_id"] == ids.REASON_BLOCK
    assert reject["blocks"][2]["optional"] is True


def test_the_lead_card_shows_the_path_and_the_gap(kit, check_limits, visible, buttons):
    handoff = kit.handoff(
        status=ACCEPTED,
        owner_id="U0SDR0001",
        decided_by="U0SDR0001",
        decided_at=AT - timedelta(days=2),
        first_touch="meeting_booked",
        first_touch_at=AT - timedelta(days=1),
    )
    back = make_meeting(
        status="sent_back",
        failed_criterion="COMPETE",
        decided_at=AT + timedelta(hours=1),
        decision_note="Who else <bids>?",
    )
    plain = kit.ctx(handoff=handoff, owner_name="Sam Diaz", decided_by_name="Sam Diaz")
    before = build_lead_card(plain, audience="owner")
    ctx = replace(plain, meetings=(item(back),), can_book=True)
    owner = build_lead_card(ctx, audience="owner")
    channel = build_lead_card(ctx, audience="channel")
    for card in (owner, channel):
        assert check_limits(card) == []
        text = visible(card)
        assert "MQL → ✅ accepted by Sam Diaz" in text
        assert "📅 meeting booked with Ana Alvarez for" in text
        assert "↩️ Sent back to the SDR by Ana Alvarez" in text
        assert ": ✗ Can we compete? — “Who else &lt;bids&gt;?”" in text
    assert "*Gap:* Can we compete?" in visible(owner) and "*Gap:*" not in visible(channel)
    assert buttons(owner)[0][:2] == ("Meeting booked", ids.TOUCH_MEETING)
    assert [b[0] for b in buttons(channel)] == ["Open in CRM"]
    assert "Path" not in visible(before) and [b[0] for b in buttons(before)] == ["Open in CRM"]


def test_the_sdr_hears_the_decision(kit, check_limits, visible):
    back = make_meeting(
        status="sent_back",
        failed_criterion="COMPETE",
        decided_at=AT,
        decided_by="U0AE00001",
        decision_note=HOSTILE,
    )
    dm = meeting_outcome_dm(meeting_ctx(kit, back, decided_by_name="Ana Alvarez"))
    assert check_limits(dm) == []
    text = visible(dm)
    assert "↩️ Ana Alvarez sent your meeting on *Dana Scully (Acme)* back to you." in text
    assert "*Gap:* Can we compete?" in text and "&lt;!channel&gt;" in text
    accepted = make_meeting(status="accepted", decided_at=AT, decided_by="U0AE00001")
    ok = meeting_outcome_dm(meeting_ctx(kit, accepted, decided_by_name="Ana Alvarez"))
    assert "accepted your meeting on *Dana Scully (Acme)* into pipeline" in visible(ok)
    assert ok["text"] == "Meeting accepted into pipeline: Dana Scully (Acme)"


def test_the_path_drops_older_meetings_first_so_the_latest_outcome_shows():
    """Long send-back notes must not push the newest decision past the section's limit."""
    from bot.services.meeting_cards import MeetingItem
    from bot.views.meeting_parts import PATH_BUDGET, path_text
    from bot.views.text import for_readers

    def meeting(n: int, status: str, note: str | None) -> MeetingItem:
        at = AT + timedelta(days=n)
        return MeetingItem(
            id=n, ae_name="Ben Brooks", status=status, meeting_at=at, booked_at=at, due_at=at,
            decided_at=at, decided_by_name="Ben Brooks",
            failed_question="Q" * 170 if status == "sent_back" else None, decision_note=note,
        )  # fmt: skip

    meetings = [meeting(n, "sent_back", "n" * 600) for n in range(4)]
    meetings.append(meeting(9, "accepted", None))
    text = path_text(meetings, accepted_by="Sam", accepted_at=AT, tz=for_readers("UTC"))
    assert len(text) <= PATH_BUDGET
    assert text.splitlines()[-1].startswith("→ 📅 meeting booked with Ben Brooks")
    assert "Accepted into pipeline" in text.splitlines()[-1]
    assert "earlier meeting" in text and " not shown_" in text
    one = path_text(meetings[-2:], accepted_by="Sam", accepted_at=AT, tz="UTC")
    assert "earlier meeting" not in one  # both fit
