"""The SDR → AE stage through real HTTP: SDR accept → Meeting booked → the booking form →
the AE's DM card → Accept into pipeline / Send back / Reject, with every card updated."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from bot import ids
from bot.server import build_worker
from bot.services import meeting_decisions as md
from sandbox import payloads
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import handoffs_for_lead
from storage.meetings import MEETING_DM, POST_MEETING_CARD
from storage.models import OUT_DONE, OUT_PENDING, Outbox
from tests import factories as f
from tests.conftest import slack_client
from tests.helpers import (
    button_texts,
    cards_for,
    click_card,
    dm_messages,
    ephemeral_texts,
    reason_values,
    rendered,
    wait_for,
)
from tests.meetings import (
    accepted_by_sam,
    book,
    booking_values,
    meeting_card,
    meetings_of,
    open_booking,
    sam_card,
    sdr_config,
)


@pytest.fixture
def config():
    return sdr_config()


def click_meeting(bot, user, action_id, meeting, card):
    return bot.peer.click(
        user, action_id, str(meeting.id), message_channel=card.channel, message_ts=card.ts
    )


def channel_card(bot, routed):
    return cards_for(bot.slack, f.CHANNEL, routed.handoff.id)[0]


def kinds(bot, lead_id):
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in events_for_lead(lead_id, session=session)]


def test_meeting_booked_opens_the_form_with_the_criteria_and_the_routed_ae(bot):
    routed = accepted_by_sam(bot)
    assert button_texts(sam_card(bot, routed)) == [
        "Contacted",
        "Meeting booked",
        "Disqualified after contact",
    ]
    modal = open_booking(bot, routed)
    view = modal.payload
    assert view["callback_id"] == ids.MEETING_BOOK_MODAL
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[ids.MEETING_AT_BLOCK]["element"]["type"] == "datetimepicker"
    ae = blocks[ids.MEETING_AE_BLOCK]["element"]
    assert [o["value"] for o in ae["options"]] == [f.ANA, f.BEN, f.CARA, f.EVE]
    assert ae["initial_option"]["value"] == f.ANA  # round robin, first in the roster
    for code, question in (
        ("VALUE", "Can we demonstrate sufficient value?"),
        ("PROFIT", "Can we deliver with profit?"),
        ("COMPETE", "Can we compete?"),
    ):
        answer = blocks[ids.MEETING_ANSWER_BLOCK + code]
        assert answer["label"]["text"] == question and answer["optional"] is False
        assert [o["value"] for o in answer["element"]["options"]] == ["yes", "unsure", "no"]
        assert blocks[ids.MEETING_COMMENT_BLOCK + code]["optional"] is True
    assert blocks[ids.NOTE_BLOCK]["optional"] is True
    assert meetings_of(bot, routed.lead_id) == []  # opening the form books nothing


def test_booking_posts_the_ae_card_and_updates_both_lead_cards(bot):
    routed = accepted_by_sam(bot)
    at = bot.runtime.clock() + timedelta(days=1, hours=2)  # Tue 24 Nov, 16:00 UTC
    meeting = book(
        bot,
        routed,
        ae=f.BEN,
        at=at,
        answers={"VALUE": "yes", "PROFIT": "unsure", "COMPETE": "no"},
        comments={"PROFIT": "Discount <asked>", "COMPETE": "Incumbent is cheap"},
        note="Budget signed off & CFO joins",
    )
    assert (meeting.ae_id, meeting.ae_rule, meeting.status) == (f.BEN, "chosen", "pending")
    assert meeting.meeting_at == at and meeting.criteria_version == "default"
    assert meeting.answers == [
        {"code": "VALUE", "answer": "yes", "comment": None},
        {"code": "PROFIT", "answer": "unsure", "comment": "Discount <asked>"},
        {"code": "COMPETE", "answer": "no", "comment": "Incumbent is cheap"},
    ]
    card = meeting_card(bot, f.BEN, meeting.id)
    assert card.channel == bot.slack.state.dm_channel_id(f.BEN)
    text = rendered(card)
    assert "Meeting-qualified by *Sam Diaz*" in text
    assert f"<!date^{int(at.timestamp())}^" in text  # the meeting, in the AE's own zone
    assert "✓ *Can we demonstrate sufficient value?*" in text
    assert "? *Can we deliver with profit?* — Discount &lt;asked&gt;" in text
    assert "✗ *Can we compete?* — Incumbent is cheap" in text
    assert "Budget signed off &amp; CFO joins" in text
    assert "Accepted by Sam Diaz" in text and "Asked about SSO" in text
    assert button_texts(card) == ["Accept into pipeline", "Send back to SDR", "Reject"]
    with unit_of_work(bot.runtime.engine) as session:
        handoff = handoffs_for_lead(routed.lead_id, session=session)[-1]
    assert handoff.first_touch == "meeting_booked" and handoff.touched_by == f.SAM
    assert (meeting.ae_channel, meeting.ae_ts) == (card.channel, card.ts)  # for the update
    sam = sam_card(bot, routed)
    assert button_texts(sam) == []
    assert "meeting booked with Ben Brooks" in rendered(sam)
    assert "awaiting Ben Brooks's decision" in rendered(sam)
    assert "awaiting Ben Brooks's decision" in rendered(channel_card(bot, routed))
    assert {"meeting_booked", "first_touch"} <= set(kinds(bot, routed.lead_id))


def test_accept_into_pipeline_settles_every_card_and_tells_the_sdr(bot):
    routed = accepted_by_sam(bot)
    meeting = book(bot, routed)
    card = meeting_card(bot, f.ANA, meeting.id)
    click_meeting(bot, f.ANA, ids.MEETING_ACCEPT, meeting, card)
    wait_for(lambda: meetings_of(bot, routed.lead_id)[-1].status == "accepted")
    bot.deliver()
    card = meeting_card(bot, f.ANA, meeting.id)
    assert button_texts(card) == [] and card.edited is not None
    assert "Accepted into pipeline* by Ana Alvarez" in rendered(card)
    assert ephemeral_texts(bot.slack, f.ANA) == []  # the card itself says it
    for lead_card in (sam_card(bot, routed), channel_card(bot, routed)):
        assert "✅ Accepted into pipeline by Ana Alvarez" in rendered(lead_card)
    assert button_texts(sam_card(bot, routed)) == []
    dm = dm_messages(bot.slack, f.SAM)[-1]
    assert "Ana Alvarez accepted your meeting" in rendered(dm)
    assert "meeting_accepted" in kinds(bot, routed.lead_id)


def test_send_back_shows_the_gap_and_the_sdr_books_again(bot):
    routed = accepted_by_sam(bot)
    first = book(bot, routed)
    card = meeting_card(bot, f.ANA, first.id)
    click_meeting(bot, f.ANA, ids.MEETING_SEND_BACK, first, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.ANA))[-1]
    assert modal.payload["callback_id"] == ids.MEETING_SEND_BACK_MODAL
    blocks = {b.get("block_id"): b for b in modal.payload["blocks"]}
    criteria = blocks[ids.MEETING_CRITERION_BLOCK]["element"]["options"]
    assert [o["value"] for o in criteria] == ["VALUE", "PROFIT", "COMPETE"]
    assert blocks[ids.NOTE_BLOCK]["optional"] is False
    # Both are required: no note is refused next to the note.
    only = {ids.MEETING_CRITERION_BLOCK: _select(ids.MEETING_CRITERION_INPUT, "COMPETE")}
    refused = bot.peer.submit_view(f.ANA, modal.id, only)
    assert refused.json()["response_action"] == "errors"
    assert ids.NOTE_BLOCK in refused.json()["errors"]
    values = {**only, **_note("Who else is <bidding>?")}
    answer = bot.peer.submit_view(f.ANA, modal.id, values)
    assert answer.status_code == 200 and not answer.content.strip()
    bot.deliver()
    sent_back = meetings_of(bot, routed.lead_id)[-1]
    assert (sent_back.status, sent_back.failed_criterion) == ("sent_back", "COMPETE")
    assert button_texts(meeting_card(bot, f.ANA, first.id)) == []
    sam = sam_card(bot, routed)
    assert button_texts(sam) == ["Meeting booked"]
    assert "*Gap:* Can we compete?" in rendered(sam)
    assert "Who else is &lt;bidding&gt;?" in rendered(sam)
    dm = rendered(dm_messages(bot.slack, f.SAM)[-1])
    assert "sent your meeting on" in dm and "Can we compete?" in dm
    # Booked again: a new meeting, the first kept as history on every card.
    second = book(bot, routed, ae=f.CARA)
    assert second.id != first.id and len(meetings_of(bot, routed.lead_id)) == 2
    again = rendered(meeting_card(bot, f.CARA, second.id))
    assert "sent back by Ana Alvarez, failed ✗ Can we compete?" in again
    path = rendered(channel_card(bot, routed))
    assert "Sent back to the SDR by Ana Alvarez" in path
    assert "awaiting Cara Chen's decision" in path
    assert kinds(bot, routed.lead_id).count("meeting_booked") == 2


def test_reject_needs_a_reason_and_tells_everyone(bot):
    routed = accepted_by_sam(bot)
    meeting = book(bot, routed)
    card = meeting_card(bot, f.ANA, meeting.id)
    click_meeting(bot, f.ANA, ids.MEETING_REJECT, meeting, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.ANA))[-1]
    assert modal.payload["callback_id"] == ids.MEETING_REJECT_MODAL
    empty = bot.peer.submit_view(f.ANA, modal.id, {})
    assert ids.REASON_BLOCK in empty.json()["errors"]
    answer = bot.peer.submit_view(f.ANA, modal.id, reason_values("R-ICP", note="Too small"))
    assert answer.status_code == 200 and not answer.content.strip()
    bot.deliver()
    decided = meetings_of(bot, routed.lead_id)[-1]
    assert (decided.status, decided.reason_code, decided.decided_by) == ("rejected", "R-ICP", f.ANA)
    text = rendered(meeting_card(bot, f.ANA, meeting.id))
    assert "Rejected by the AE* by Ana Alvarez" in text and "Too small" in text
    for lead_card in (sam_card(bot, routed), channel_card(bot, routed)):
        assert "❌ Rejected by the AE by Ana Alvarez" in rendered(lead_card)
    assert button_texts(sam_card(bot, routed)) == []  # no rebooking after a reject
    assert "rejected the meeting" in rendered(dm_messages(bot.slack, f.SAM)[-1])


def test_someone_else_is_refused_and_a_late_click_is_told_who_won(bot):
    routed = accepted_by_sam(bot)
    meeting = book(bot, routed)
    card = meeting_card(bot, f.ANA, meeting.id)
    click_meeting(bot, f.BEN, ids.MEETING_ACCEPT, meeting, card)  # another AE
    texts = wait_for(lambda: ephemeral_texts(bot.slack, f.BEN))
    assert texts[0].startswith("Only the AE of the meeting")
    assert meetings_of(bot, routed.lead_id)[-1].status == "pending"
    click_meeting(bot, f.BEN, ids.MEETING_REJECT, meeting, card)
    wait_for(lambda: len(ephemeral_texts(bot.slack, f.BEN)) == 2)
    assert bot.slack.state.open_modals(f.BEN) == []
    click_meeting(bot, f.MAYA, ids.MEETING_ACCEPT, meeting, card)  # the AE's manager may
    wait_for(lambda: meetings_of(bot, routed.lead_id)[-1].status == "accepted")
    click_meeting(bot, f.ANA, ids.MEETING_ACCEPT, meeting, card)
    late = wait_for(lambda: ephemeral_texts(bot.slack, f.ANA))
    assert "already accepted into pipeline by Maya Moreau" in late[-1]
    assert "click_refused" in kinds(bot, routed.lead_id)


def test_two_concurrent_decisions_record_one(bot):
    routed = accepted_by_sam(bot)
    meeting = book(bot, routed)
    card = meeting_card(bot, f.ANA, meeting.id)
    barrier = threading.Barrier(2)

    def click(user):
        barrier.wait()
        click_meeting(bot, user, ids.MEETING_ACCEPT, meeting, card)

    threads = [threading.Thread(target=click, args=(u,)) for u in (f.ANA, f.MAYA)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers = wait_for(lambda: [t for u in (f.ANA, f.MAYA) for t in ephemeral_texts(bot.slack, u)])
    decided = meetings_of(bot, routed.lead_id)[-1]
    assert decided.status == "accepted" and decided.decided_by in (f.ANA, f.MAYA)
    assert kinds(bot, routed.lead_id).count("meeting_accepted") == 1
    assert len(answers) == 1 and "already accepted into pipeline" in answers[0]
    loser = f.MAYA if decided.decided_by == f.ANA else f.ANA
    assert ephemeral_texts(bot.slack, loser) == answers
    bot.deliver()
    assert (
        len([m for m in dm_messages(bot.slack, f.SAM) if "accepted your meeting" in rendered(m)])
        == 1
    )


def test_only_the_sdr_books_and_never_twice_at_once(bot):
    routed = accepted_by_sam(bot)
    click_card(bot, f.MAYA, ids.TOUCH_MEETING, routed.handoff, sam_card(bot, routed))
    refusal = wait_for(lambda: ephemeral_texts(bot.slack, f.MAYA))
    assert refusal[0].startswith("Only Sam Diaz")
    assert bot.slack.state.open_modals(f.MAYA) == []
    earlier = open_booking(bot, routed)  # a form left open in another Slack client
    form = open_booking(bot, routed)
    at = bot.runtime.clock() + timedelta(days=1)
    answer = bot.peer.submit_view(f.SAM, form.id, booking_values(at=at, ae=f.ANA))
    assert not answer.content.strip()
    assert bot.peer.resend(answer).status_code == 200  # Slack's retry: nothing new
    late = bot.peer.post(
        *payloads.view_submission(
            f.SAM, earlier.to_slack(), booking_values(at=at, ae=f.BEN), trigger_id="t-2"
        )
    )
    errors = late.json()["errors"]
    assert "already booked with Ana Alvarez" in errors[ids.MEETING_AT_BLOCK]
    assert len(meetings_of(bot, routed.lead_id)) == 1


@pytest.mark.parametrize(
    ("change", "block", "words"),
    [
        ({"ae": f.MAYA}, ids.MEETING_AE_BLOCK, "not an active AE"),
        ({"ae": f.SAM}, ids.MEETING_AE_BLOCK, "not an active AE"),
        ({"at": "two days ago"}, ids.MEETING_AT_BLOCK, "more than a day in the past"),
        ({"answers": {"VALUE": "yes", "PROFIT": "maybe"}}, ids.MEETING_ANSWER_BLOCK, "Yes, Unsure"),
        ({"comments": {"VALUE": "x" * 501}}, ids.MEETING_COMMENT_BLOCK + "VALUE", "500"),
        ({"note": "x" * 2001}, ids.NOTE_BLOCK, "2000"),
    ],
)
def test_the_form_names_what_is_wrong(bot, change, block, words):
    routed = accepted_by_sam(bot)
    modal = open_booking(bot, routed)
    values = {"at": bot.runtime.clock() + timedelta(hours=3), "ae": f.ANA, **change}
    if values["at"] == "two days ago":
        values["at"] = bot.runtime.clock() - timedelta(days=2)
    answer = bot.peer.submit_view(f.SAM, modal.id, booking_values(**values))
    errors = answer.json()["errors"]
    key = block if block != ids.MEETING_ANSWER_BLOCK else ids.MEETING_ANSWER_BLOCK + "PROFIT"
    assert words in errors[key], errors
    if block == ids.MEETING_ANSWER_BLOCK:  # the one left unanswered too
        assert ids.MEETING_ANSWER_BLOCK + "COMPETE" in errors
    assert meetings_of(bot, routed.lead_id) == []


def _select(action_id, value):
    return {action_id: {"type": "static_select", "selected_option": {"value": value}}}


def _note(text):
    return {ids.NOTE_BLOCK: {ids.NOTE_INPUT: {"type": "plain_text_input", "value": text}}}


def _rows(bot, kind):
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)).all())


def _tagged(bot, key, value):
    with bot.slack.state.lock:
        channels = list(bot.slack.state.message_store.channels)
    return [
        m
        for channel in channels
        for m in bot.slack.state.messages(channel)
        if ((m.metadata or {}).get("event_payload") or {}).get(key) == value
    ]


@pytest.mark.parametrize("kind", [POST_MEETING_CARD, MEETING_DM])
def test_a_timeout_after_slack_posted_never_posts_twice(bot, runtime, clock, kind):
    routed = accepted_by_sam(bot)
    modal = open_booking(bot, routed)
    at = clock() + timedelta(days=1)
    bot.peer.submit_view(f.SAM, modal.id, booking_values(at=at, ae=f.ANA))
    if kind == MEETING_DM:
        bot.deliver()
        meeting = meetings_of(bot, routed.lead_id)[-1]
        md.decide_meeting(meeting.id, f.ANA, md.ACCEPT, runtime=runtime)
    [row] = _rows(bot, kind)
    meeting_id = row.payload["meeting_id"]
    key, value = ("outbox_id", row.id) if kind == MEETING_DM else ("meeting_id", meeting_id)
    bot.slack.state.add_fault("chat.postMessage", delay=3.0, apply_after=True, times=1)
    impatient = build_worker(
        engine=runtime.engine,
        config=runtime.config,
        client=slack_client(bot.slack, timeout=1.5),
        clock=clock,
    )
    impatient.deliver(row.id)
    [after] = _rows(bot, kind)
    assert after.status == OUT_PENDING and after.maybe_sent  # the outcome was unknown
    assert len(_tagged(bot, key, value)) == 1  # ... but Slack had posted it
    clock.advance(minutes=5)
    bot.deliver()
    assert len(_tagged(bot, key, value)) == 1
    [done] = _rows(bot, kind)
    assert done.status == OUT_DONE
    if kind == POST_MEETING_CARD:
        [card] = _tagged(bot, key, value)
        assert meetings_of(bot, routed.lead_id)[-1].ae_ts == card.ts  # found, and kept


def test_meeting_booked_on_a_follow_up_nudge_opens_the_form_and_settles_the_nudge(bot, clock):
    routed = accepted_by_sam(bot)
    clock.advance(days=2, hours=1)  # past follow_up_within: Sam is nudged
    bot.tick()
    nudge = next(
        m
        for m in dm_messages(bot.slack, f.SAM)
        if m.ts != sam_card(bot, routed).ts and "Meeting booked" in button_texts(m)
    )
    click_card(bot, f.SAM, ids.TOUCH_MEETING, routed.handoff, nudge)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.SAM))[-1]
    assert modal.payload["callback_id"] == ids.MEETING_BOOK_MODAL
    at = clock() + timedelta(days=1)
    bot.peer.submit_view(f.SAM, modal.id, booking_values(at=at, ae=f.ANA))
    bot.deliver()
    settled = next(m for m in dm_messages(bot.slack, f.SAM) if m.ts == nudge.ts)
    assert button_texts(settled) == []
    assert len(meetings_of(bot, routed.lead_id)) == 1
