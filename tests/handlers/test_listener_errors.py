"""A listener that raises: the person is told, where they acted, that it failed on our side
(ephemerally under the card, or on their Home), and the traceback goes to the log only."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.services import decisions, home
from bot.views.problems import OUR_FAULT
from sandbox.interactions import Choice
from tests import factories as f
from tests.handlers.test_app_home import home_after, open_home, text
from tests.handlers.test_hostile_values import route
from tests.helpers import click_card, dm_messages, ephemeral_texts, wait_for


def boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("the database caught fire")


def test_a_failed_click_on_a_card_is_answered_under_it(bot, monkeypatch, caplog):
    handoff = route(bot)
    card = dm_messages(bot.slack, handoff.owner_id)[0]
    monkeypatch.setattr(decisions, "decide", boom)
    response = click_card(bot, handoff.owner_id, ids.ACCEPT, handoff, card)
    assert response.status_code == 200
    [answer] = wait_for(lambda: ephemeral_texts(bot.slack, handoff.owner_id))
    assert answer == OUR_FAULT
    assert "nothing was changed" in answer
    assert "caught fire" not in answer and "Traceback" not in answer
    assert any(r.exc_info and "caught fire" in str(r.exc_info[1]) for r in caplog.records)


def test_a_failed_change_on_home_is_answered_on_home(bot, monkeypatch):
    page = open_home(bot, f.BEN)
    monkeypatch.setattr(home, "change_capacity", boom)
    page = home_after(
        bot,
        f.BEN,
        lambda: bot.peer.act(
            f.BEN, ids.HOME_CAPACITY, view_id=page.id, choice=Choice(selected_option="5")
        ),
    )
    assert "Something went wrong on our side" in text(page)
    assert "caught fire" not in text(page)
