"""Slack's rules as ours: escaping, Block Kit limits, first click wins, retries."""

from __future__ import annotations

import json
import threading

from sqlmodel import select

from bot import ids
from storage.db import unit_of_work
from storage.models import Event, Handoff
from tests import factories as f
from tests.helpers import (
    button_texts,
    cards_for,
    click_card,
    dm_messages,
    ephemeral_texts,
    reason_values,
    wait_for,
)


def route(bot, **overrides) -> Handoff:
    return f.routed_handoff(bot, **overrides).handoff


def test_nothing_unescaped_from_outside_reaches_slack(bot):
    handoff = route(
        bot,
        first_name="<!channel>",
        last_name="<@U0ADM0001>",
        company="<!here> & Co",
        title="<https://evil.example|CEO>",
        notes="<https://evil.example|click> me <!everyone>",
        campaign="<#C0HANDOFF1>",
        activities=[{"type": "demo_request", "detail": "<https://evil.example|form>"}],
    )
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, handoff.owner_id, ids.REJECT, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(handoff.owner_id))[-1]
    bot.peer.submit_view(
        handoff.owner_id,
        modal.id,
        reason_values("R-JUNK", note="<!channel> see <https://evil.example|x>"),
    )
    bot.deliver()
    sent = json.dumps([c.params for c in bot.slack.state.calls()], ensure_ascii=False)
    for raw in (
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<https://evil",
        "<@U0ADM0001>",
        "<#C0HANDOFF1>",
    ):
        assert raw not in sent, raw
    assert "&lt;!channel&gt;" in sent
    assert len(cards_for(bot.slack, f.CHANNEL, handoff.id)) == 1


def test_huge_note_and_200_activities_give_a_card_slack_accepts(bot):
    activities = [
        {
            "type": "page_view",
            "detail": f"/docs/page-{i}" + "x" * 300,
            "at": f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
            "duration_s": i,
        }
        for i in range(200)
    ]
    handoff = route(
        bot,
        notes="N" * 5000,
        activities=activities,
        first_name="A" * 200,
        company="C" * 300,
        title="T" * 300,
    )
    posts = bot.slack.state.calls("chat.postMessage")
    assert [c.response.get("ok") for c in posts] == [True, True]  # the sandbox checks limits
    card = cards_for(bot.slack, f.CHANNEL, handoff.id)[0]
    assert len(card.blocks) <= 50
    assert "and 195 more" in json.dumps(card.blocks)


def test_two_concurrent_accepts_record_one_decision(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    barrier = threading.Barrier(2)

    def click(user: str) -> None:
        barrier.wait()
        click_card(bot, user, ids.ACCEPT, handoff, card)

    threads = [threading.Thread(target=click, args=(u,)) for u in (handoff.owner_id, f.MAYA)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers = wait_for(
        lambda: [
            text for user in (handoff.owner_id, f.MAYA) for text in ephemeral_texts(bot.slack, user)
        ]
    )
    with unit_of_work(bot.runtime.engine) as session:
        decided = session.get(Handoff, handoff.id)
        accepted = session.exec(select(Event).where(Event.kind == "accepted")).all()
    assert decided.status == "accepted" and decided.decided_by in (handoff.owner_id, f.MAYA)
    assert len(accepted) == 1
    assert len(answers) == 1 and "already accepted" in answers[0]
    loser = f.MAYA if decided.decided_by == handoff.owner_id else handoff.owner_id
    assert ephemeral_texts(bot.slack, loser) == answers


def test_a_late_click_on_a_decided_card_says_who_decided(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    wait_for(lambda: _status(bot, handoff.id) == "accepted")
    click_card(bot, f.MAYA, ids.REJECT, handoff, card)
    text = wait_for(lambda: ephemeral_texts(bot.slack, f.MAYA))[0]
    assert "already accepted by Ana Alvarez" in text
    assert bot.slack.state.open_modals(f.MAYA) == []


def test_double_click_and_slack_retry_record_one_decision(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    first = click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    bot.peer.resend(first, retry_num=1)
    click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    wait_for(lambda: _status(bot, handoff.id) == "accepted")
    wait_for(lambda: len(ephemeral_texts(bot.slack, handoff.owner_id)) >= 1)
    with unit_of_work(bot.runtime.engine) as session:
        assert len(session.exec(select(Event).where(Event.kind == "accepted")).all()) == 1


def test_retried_event_delivery_runs_once(bot):
    event = {"type": "app_home_opened", "user": f.ANA, "tab": "home", "channel": "D0AE00001"}
    response = bot.peer.event(event, event_id="Ev0RETRY1")
    assert response.status_code == 200
    wait_for(lambda: bot.slack.state.calls("views.publish"))
    again = bot.peer.event(event, event_id="Ev0RETRY1", retry_num=1)
    assert again.status_code == 200
    assert len(bot.slack.state.calls("views.publish")) == 1


def test_unsigned_or_badly_signed_requests_are_refused(bot):
    response = bot.http.post(
        "/slack/events",
        content="payload=%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401
    forged = bot.http.post(
        "/slack/events",
        content="payload=%7B%7D",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": "1",
            "X-Slack-Signature": "v0=deadbeef",
        },
    )
    assert forged.status_code == 401


def test_expired_trigger_tells_the_user_to_click_again(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    bot.slack.state.add_fault("views.open", error="expired_trigger_id", times=1)
    click_card(bot, handoff.owner_id, ids.HAND_BACK, handoff, card)
    text = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))[0]
    assert "click the button again" in text
    assert _status(bot, handoff.id) == "pending"
    assert button_texts(dm_messages(bot.slack, handoff.owner_id)[0]) == [
        "Accept",
        "Reject",
        "Hand back",
    ]


def test_revisit_date_in_the_past_is_refused_in_the_modal(bot, clock):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, handoff.owner_id, ids.HAND_BACK, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(handoff.owner_id))[-1]
    answer = bot.peer.submit_view(
        handoff.owner_id, modal.id, reason_values("N-TIMING", revisit="2020-01-01")
    )
    assert answer.json()["response_action"] == "errors"
    assert ids.REVISIT_BLOCK in answer.json()["errors"]
    assert _status(bot, handoff.id) == "pending"


def test_unknown_reason_code_is_refused_in_the_modal(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, handoff.owner_id, ids.REJECT, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(handoff.owner_id))[-1]
    answer = bot.peer.submit_view(handoff.owner_id, modal.id, reason_values("R-MADE-UP"))
    assert answer.json()["response_action"] == "errors"
    assert _status(bot, handoff.id) == "pending"


def _status(bot, handoff_id: int) -> str:
    with unit_of_work(bot.runtime.engine) as session:
        return session.get(Handoff, handoff_id).status


def test_a_late_click_after_the_sla_clock_reassigned_names_lead_new_owner_and_time(bot, clock):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    clock.advance(hours=24)
    bot.tick()
    click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    [text] = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert "*Jordan Lee (" in text
    assert "was already reassigned to Ben Brooks by the SLA clock on <!date^" in text
    assert "system" not in text and "EST" not in text


def test_a_refusal_names_the_lead_and_its_owner(bot):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, f.EVE, ids.ACCEPT, handoff, card)
    [text] = wait_for(lambda: ephemeral_texts(bot.slack, f.EVE))
    assert text.startswith("Only the owner of *Jordan Lee (")
    assert "(Ana Alvarez), their manager or an admin can act on it. Nothing was changed." in text
    assert _status(bot, handoff.id) == "pending"


def test_a_late_form_says_who_decided_in_plain_text_in_the_clickers_zone(bot):
    from storage.people import set_tz

    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    click_card(bot, handoff.owner_id, ids.REJECT, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(handoff.owner_id))[-1]
    with unit_of_work(bot.runtime.engine) as session:
        set_tz(handoff.owner_id, "Europe/London", session=session)
    click_card(bot, f.MAYA, ids.ACCEPT, handoff, card)
    wait_for(lambda: _status(bot, handoff.id) == "accepted")
    answer = bot.peer.submit_view(handoff.owner_id, modal.id, reason_values("R-JUNK")).json()
    error = answer["errors"][ids.REASON_BLOCK]
    assert error.startswith("Jordan Lee (") and "already accepted by Maya Moreau on" in error
    assert "GMT" in error and "<!date" not in error and "*" not in error
