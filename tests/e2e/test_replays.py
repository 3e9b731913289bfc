"""Replays and retries never repeat a side effect: the exact signed request sent again
(same body, a fresh signature as Slack re-signs, with or without X-Slack-Retry-Num) does
nothing a second time, for every button, form and command whose effect is not naturally
idempotent. A real second click (a new action_ts) still does its work."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot import ids
from sandbox.interactions import Choice
from storage.db import unit_of_work
from storage.models import Event
from tests import factories as f
from tests.e2e.test_sla_flow import accepted_by_ana, dms_of, handoffs, route, thread_replies
from tests.handlers.test_app_home import open_home
from tests.helpers import (
    click_card,
    dm_messages,
    ephemeral_texts,
    reason_values,
    reassign_values,
    wait_for,
)


@pytest.fixture
def bot(either_bot):
    """Each test twice: a one-click button's work done in the web process, and queued for
    the delivery process (handlers/later.py)."""
    return either_bot


def kinds(bot: Any) -> list[str]:
    with unit_of_work(bot.runtime.engine) as session:
        return [e.kind for e in session.exec(select(Event)).all()]


def replay(bot: Any, response: httpx.Response) -> None:
    """The same body twice more: as Slack's retry, and as a bare replay."""
    request = response.request
    body, content_type = request.content.decode(), request.headers["Content-Type"]
    assert bot.peer.post(body, content_type, retry_num=1).status_code == 200
    assert bot.peer.post(body, content_type).status_code == 200


def settled(bot: Any, probe: Callable[[], Any], seconds: float = 1.0) -> None:
    """Give listeners a moment, then deliver what they queued."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not probe():
        time.sleep(0.05)
    bot.deliver()


def escalated(bot: Any, clock: Any) -> tuple[Any, Any]:
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=8)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    return handoff, escalation


def test_nudge_again_replayed_sends_one_dm_and_one_thread_note(bot, clock):
    handoff, escalation = escalated(bot, clock)
    notes_before = len(thread_replies(bot, handoff))
    response = click_card(bot, f.MAYA, ids.NUDGE_AGAIN, handoff, escalation)
    wait_for(lambda: kinds(bot).count("nudged") == 2)
    bot.deliver()
    replay(bot, response)
    settled(bot, lambda: kinds(bot).count("nudged") > 2)
    assert kinds(bot).count("nudged") == 2
    assert len(dms_of(bot, f.ANA, handoff.id)) == 2  # the 4h nudge and this one
    assert len(thread_replies(bot, handoff)) == notes_before + 1
    assert len(ephemeral_texts(bot.slack, f.MAYA)) == 1
    again = click_card(bot, f.MAYA, ids.NUDGE_AGAIN, handoff, escalation)  # a real new click
    assert again.status_code == 200
    wait_for(lambda: kinds(bot).count("nudged") == 3)


def test_snooze_replayed_is_one_snooze(bot, clock):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    clock.advance(hours=4)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    response = click_card(bot, f.ANA, ids.SNOOZE, handoff, nudge)
    wait_for(lambda: "snoozed" in kinds(bot))
    replay(bot, response)
    settled(bot, lambda: kinds(bot).count("snoozed") > 1)
    assert kinds(bot).count("snoozed") == 1
    assert len(ephemeral_texts(bot.slack, f.ANA)) == 1


def test_reassign_replayed_is_one_picker_and_one_reassignment(bot, clock):
    handoff, escalation = escalated(bot, clock)
    response = click_card(bot, f.MAYA, ids.REASSIGN_NOW, handoff, escalation)
    wait_for(lambda: bot.slack.state.open_modals(f.MAYA))
    replay(bot, response)
    settled(bot, lambda: len(bot.slack.state.open_modals(f.MAYA)) > 1)
    [picker] = bot.slack.state.open_modals(f.MAYA)
    answer = bot.peer.submit_view(f.MAYA, picker.id, reassign_values(f.BEN))
    assert answer.json()["response_action"] == "update"
    replay(bot, answer)
    settled(bot, lambda: kinds(bot).count("reassigned") > 1)
    assert kinds(bot).count("reassigned") == 1


@pytest.mark.parametrize("action_id", [ids.TOUCH_CONTACTED, ids.TOUCH_MEETING])
def test_first_touch_replayed_is_one_touch_and_one_answer(bot, clock, action_id):
    _body, handoff, card = accepted_by_ana(bot)
    bot.deliver()
    card = dm_messages(bot.slack, f.ANA)[0]
    answers = len(ephemeral_texts(bot.slack, f.ANA))
    response = click_card(bot, f.ANA, action_id, handoff, card)
    wait_for(lambda: "first_touch" in kinds(bot))
    replay(bot, response)
    settled(bot, lambda: len(ephemeral_texts(bot.slack, f.ANA)) > answers + 1)
    assert kinds(bot).count("first_touch") == 1
    assert len(ephemeral_texts(bot.slack, f.ANA)) == answers + 1


def test_a_burst_of_retries_is_answered_200_every_time_with_one_effect(bot, clock):
    """Slack's retries of one click arriving together: each stops its listener after the
    ack (`Replayed`), and none of them may turn into a 500 on its way out."""
    _body, handoff, card = accepted_by_ana(bot)
    bot.deliver()
    card = dm_messages(bot.slack, f.ANA)[0]
    response = click_card(bot, f.ANA, ids.TOUCH_CONTACTED, handoff, card)
    wait_for(lambda: "first_touch" in kinds(bot))
    request = response.request
    body, content_type = request.content.decode(), request.headers["Content-Type"]
    with ThreadPoolExecutor(8) as pool:
        retries = [pool.submit(bot.peer.post, body, content_type, retry_num=n % 3 + 1)
                   for n in range(24)]  # fmt: skip
        statuses = [r.result().status_code for r in retries]
    assert statuses == [200] * 24
    settled(bot, lambda: False, seconds=0.5)
    assert kinds(bot).count("first_touch") == 1


def test_reason_form_replayed_records_one_decision_and_no_lost_race(bot):
    body = route(bot)
    [handoff] = handoffs(bot, body["id"])
    card = dm_messages(bot.slack, f.ANA)[0]
    click_card(bot, f.ANA, ids.REJECT, handoff, card)
    modal = wait_for(lambda: bot.slack.state.open_modals(f.ANA))[-1]
    response = bot.peer.submit_view(f.ANA, modal.id, reason_values("R-JUNK"))
    replay(bot, response)
    settled(bot, lambda: "decision_lost" in kinds(bot))
    assert kinds(bot).count("rejected") == 1
    assert "decision_lost" not in kinds(bot)


def _home_click(bot: Any, user: str, action_id: str, **choice: Any) -> httpx.Response:
    home = open_home(bot, user)
    return bot.peer.act(user, action_id, view_id=home.id, choice=Choice(**choice))


@pytest.mark.parametrize(
    ("action_id", "choice", "event"),
    [
        (ids.HOME_AWAY_DATE, {"selected_date": "2026-12-01"}, "away_set"),
        (ids.HOME_CAPACITY, {"selected_option": "5"}, "capacity_set"),
    ],
)
def test_home_settings_replayed_change_once(bot, action_id, choice, event):
    response = _home_click(bot, f.BEN, action_id, **choice)
    wait_for(lambda: event in kinds(bot))
    replay(bot, response)
    settled(bot, lambda: kinds(bot).count(event) > 1)
    assert kinds(bot).count(event) == 1


def test_im_back_replayed_changes_once(bot):
    bot.peer.command(f.BEN, "away until 2026-12-01")
    wait_for(lambda: "away_set" in kinds(bot))
    response = _home_click(bot, f.BEN, ids.HOME_BACK)
    wait_for(lambda: kinds(bot).count("away_set") == 2)
    replay(bot, response)
    settled(bot, lambda: kinds(bot).count("away_set") > 2)
    assert kinds(bot).count("away_set") == 2


def test_slash_command_replayed_runs_once(bot):
    response = bot.peer.command(f.BEN, "capacity 3")
    wait_for(lambda: "capacity_set" in kinds(bot))
    replay(bot, response)
    settled(bot, lambda: len(ephemeral_texts(bot.slack, f.BEN)) > 1)
    assert kinds(bot).count("capacity_set") == 1
    assert len(ephemeral_texts(bot.slack, f.BEN)) == 1
