"""A marketer's `/handshake summary` and `stale` cover every team, read-only: signed slash
commands to the served bot; a manager keeps the buttons on their own team's list, and a
marketer's forged click on a hand-off is refused."""

from __future__ import annotations

import json

from bot import ids
from sandbox.models import Ephemeral
from storage.db import unit_of_work
from storage.handoffs import get_handoff
from tests import factories as f
from tests.helpers import wait_for


def ask(bot, user: str, text: str) -> Ephemeral:
    before = len(bot.slack.state.ephemerals(user=user))
    response = bot.peer.command(user, text)
    assert response.status_code == 200 and not response.content.strip()
    return wait_for(lambda: bot.slack.state.ephemerals(user=user)[before:])[0]


def shown(ephemeral: Ephemeral) -> str:
    return ephemeral.text + json.dumps(ephemeral.blocks, ensure_ascii=False)


def action_ids(ephemeral: Ephemeral) -> list[str]:
    return [
        e["action_id"] for b in ephemeral.blocks if b["type"] == "actions" for e in b["elements"]
    ]


def two_teams_overdue(bot, clock):
    """One overdue pending lead per team: Ana's (enterprise, US), Eve's (emea, GB)."""
    us = f.routed_handoff(bot, email="us@acme.example", first_name="Usha", country="US")
    gb = f.routed_handoff(bot, email="gb@acme.example", first_name="Gwen", country="GB")
    assert (us.handoff.owner_id, gb.handoff.owner_id) == (f.ANA, f.EVE)
    clock.advance(hours=5)  # past the 4h deadline, before the 8h escalation
    return us, gb


def test_a_marketers_summary_covers_every_team(bot, clock):
    two_teams_overdue(bot, clock)
    text = shown(ask(bot, f.MIA, "summary"))
    assert "*Hand-offs*\\n2" in text and "Ana Alvarez" in text and "Eve Evans" in text
    assert action_ids(ask(bot, f.MIA, "summary")) == []
    team = shown(ask(bot, f.MAYA, "summary"))  # a manager: their team only
    assert "*Hand-offs*\\n1" in team and "Eve Evans" not in team


def test_a_marketers_stale_list_covers_every_team_without_buttons(bot, clock):
    us, gb = two_teams_overdue(bot, clock)
    listing = ask(bot, f.MIA, "stale")
    text = shown(listing)
    assert "2 pending past the deadline" in text and "Usha" in text and "Gwen" in text
    assert action_ids(listing) == []  # no decision, nudge or reassign buttons
    manager = ask(bot, f.MAX, "stale")  # a manager keeps theirs, for their team
    assert "Gwen" in shown(manager) and "Usha" not in shown(manager)
    assert {ids.NUDGE_AGAIN, ids.REASSIGN_NOW, ids.ACCEPT} <= set(action_ids(manager))
    # A marketer who forges a click (Accept, Reassign) on the list is refused.
    before = len(bot.slack.state.ephemerals(user=f.MIA))
    for action in (ids.ACCEPT, ids.REASSIGN_NOW):
        bot.peer.click(f.MIA, action, str(gb.handoff.id), message_channel=listing.channel,
                       message_ts=listing.ts)  # fmt: skip
    refusals = wait_for(lambda: bot.slack.state.ephemerals(user=f.MIA)[before:][1:])
    assert all("Ana" not in r.text and "Eve Evans" in r.text for r in refusals), refusals
    with unit_of_work(bot.runtime.engine) as session:
        assert get_handoff(gb.handoff.id, session=session).status == "pending"
        assert get_handoff(us.handoff.id, session=session).status == "pending"
