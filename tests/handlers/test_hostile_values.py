"""Signed but malformed values: each gets a refusal or usage line the person can see,
within Slack's 3 seconds, and changes nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlmodel import select

from bot import ids
from sandbox import payloads
from storage.db import unit_of_work
from storage.models import Event, Handoff
from storage.people import get_person
from tests import factories as f
from tests.handlers.test_app_home import open_home, text
from tests.helpers import dm_messages, ephemeral_texts, wait_for

HUGE = str(2**70)


def route(bot: Any) -> Handoff:
    return f.routed_handoff(bot).handoff


def timed(call: Any) -> Any:
    started = time.monotonic()
    response = call()
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 3
    return response


def events(bot: Any) -> list[str]:
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in session.exec(select(Event)).all()]


@pytest.mark.parametrize("value", [HUGE, "1e999", "٣", "-1", "0"])
@pytest.mark.parametrize("action_id", [ids.ACCEPT, ids.NUDGE_AGAIN, ids.TOUCH_CONTACTED])
def test_a_button_value_that_is_no_id_is_answered(bot, action_id, value):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    before = events(bot)
    timed(
        lambda: bot.peer.click(
            handoff.owner_id, action_id, value, message_channel=card.channel, message_ts=card.ts
        )
    )
    [answer] = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert "nothing was changed" in answer
    assert events(bot) == before


def _submit(bot: Any, user: str, metadata: str, values: dict[str, Any]) -> Any:
    view = {
        "id": "V0TAMPERED",
        "type": "modal",
        "callback_id": ids.REASON_MODAL,
        "private_metadata": metadata,
        "hash": "1.abc",
        "blocks": [],
    }
    body, content_type = payloads.view_submission(user, view, values, trigger_id="1.2.tamper")
    return timed(lambda: bot.peer.post(body, content_type))


REASON = {ids.REASON_BLOCK: {ids.REASON_INPUT: {"selected_option": {"value": "R-JUNK"}}}}


@pytest.mark.parametrize(
    "metadata",
    [
        '{"handoff_id": 1e999, "kind": "reject"}',
        '{"handoff_id": ' + HUGE + ', "kind": "reject"}',
        '{"handoff_id": "' + HUGE + '", "kind": "reject"}',
        '{"handoff_id": ' + "[" * 1400 + "]" * 1400 + ', "kind": "reject"}',
        "[" * 2999,
        '{"handoff_id": ' + "9" * 2900 + ', "kind": "reject"}',
    ],
)
def test_tampered_reason_modal_metadata_is_refused_on_the_form(bot, metadata):
    handoff = route(bot)
    response = _submit(bot, handoff.owner_id, metadata, REASON)
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert "out of date" in answer["errors"][ids.REASON_BLOCK]
    assert events(bot).count("rejected") == 0


@pytest.mark.parametrize("revisit", ["99999-01-01", "9999-12-31", "2026-02-30", "soon"])
def test_a_malformed_or_absurd_revisit_date_is_refused_on_the_form(bot, revisit):
    handoff = route(bot)
    values = {
        ids.REASON_BLOCK: {ids.REASON_INPUT: {"selected_option": {"value": "N-TIMING"}}},
        ids.REVISIT_BLOCK: {ids.REVISIT_INPUT: {"type": "datepicker", "selected_date": revisit}},
    }
    meta = json.dumps({"handoff_id": handoff.id, "kind": "handback"})
    answer = _submit(bot, handoff.owner_id, meta, values).json()
    assert answer["response_action"] == "errors"
    assert ids.REVISIT_BLOCK in answer["errors"]
    assert events(bot).count("handed_back") == 0


def test_tampered_touch_modal_metadata_is_refused_on_the_form(bot):
    handoff = route(bot)
    view = {
        "id": "V0TAMPERED2",
        "type": "modal",
        "callback_id": ids.TOUCH_MODAL,
        "private_metadata": '{"handoff_id": ' + HUGE + "}",
        "blocks": [],
    }
    values = {
        ids.TOUCH_REASON_BLOCK: {ids.TOUCH_REASON_INPUT: {"selected_option": {"value": "R-ICP"}}}
    }
    body, content_type = payloads.view_submission(handoff.owner_id, view, values, trigger_id="t")
    answer = timed(lambda: bot.peer.post(body, content_type)).json()
    assert answer["response_action"] == "errors"
    assert "out of date" in answer["errors"][ids.TOUCH_REASON_BLOCK]


@pytest.mark.parametrize("word", ["²", "٣", HUGE, "1e3", "9" * 5000])
def test_capacity_that_is_no_small_number_gets_usage(bot, word):
    before = len(ephemeral_texts(bot.slack, f.BEN))
    timed(lambda: bot.peer.command(f.BEN, f"capacity {word}"))
    [reply] = wait_for(lambda: ephemeral_texts(bot.slack, f.BEN)[before:])
    assert "Usage" in reply
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.BEN, session=session).capacity_per_day is None


def _home_action(bot: Any, user: str, view_id: str, action: dict[str, Any]) -> Any:
    body, content_type = payloads.interaction(
        user,
        [action],
        container=payloads.view_container(view_id),
        trigger_id="1.2.home",
        view={"id": view_id, "type": "home", "blocks": [], "state": {"values": {}}},
    )
    return timed(lambda: bot.peer.post(body, content_type))


@pytest.mark.parametrize("value", ["²", "٣", HUGE, "0"])
def test_a_capacity_option_that_is_not_on_the_menu_is_refused_on_home(bot, value):
    home = open_home(bot, f.BEN)
    action = {
        "type": "static_select",
        "action_id": ids.HOME_CAPACITY,
        "block_id": ids.HOME_CAPACITY_BLOCK + "off",
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}},
    }
    _home_action(bot, f.BEN, home.id, action)
    wait_for(lambda: "Pick a daily cap" in text(bot.slack.state.home(f.BEN)))
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.BEN, session=session).capacity_per_day is None


@pytest.mark.parametrize("picked", ["99999-01-01", "9999-12-31", "2026-1-1", None, 5])
def test_an_away_date_that_is_malformed_or_absurd_is_refused_on_home(bot, picked):
    home = open_home(bot, f.ANA)
    action = {
        "type": "datepicker",
        "action_id": ids.HOME_AWAY_DATE,
        "block_id": ids.HOME_AWAY_BLOCK,
        "selected_date": picked,
    }
    _home_action(bot, f.ANA, home.id, action)
    wait_for(lambda: "⚠️" in text(bot.slack.state.home(f.ANA)))
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(f.ANA, session=session).away_until is None
