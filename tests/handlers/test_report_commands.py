"""The report subcommands end to end: signed slash commands to the served bot, answers
through the response_url into the stand-in Slack, and clicks on the stale list."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.views.settings import NOT_ON_ROSTER
from sandbox.models import Ephemeral
from storage.db import unit_of_work
from storage.events import events_for_lead
from storage.handoffs import get_handoff
from tests import factories as f
from tests.bot.reports.test_reports_data import EMAILS, build
from tests.helpers import wait_for


def ask(bot, user: str, text: str) -> Ephemeral:
    before = len(bot.slack.state.ephemerals(user=user))
    response = bot.peer.command(user, text)
    assert response.status_code == 200 and not response.content.strip()  # a bare ack
    return wait_for(lambda: bot.slack.state.ephemerals(user=user)[before:])[0]


def shown(ephemeral: Ephemeral) -> str:
    return ephemeral.text + json.dumps(ephemeral.blocks, ensure_ascii=False)


@pytest.fixture
def data(bot):
    return build(bot.runtime)


def test_summary_answers_through_the_response_url(bot, data):
    answer = ask(bot, f.ADA, "summary")
    assert answer.via == "response_url"
    text = shown(answer)
    assert "*Hand-offs*\\n8" in text and "*Accepted*\\n2 (40%)" in text
    assert "*Breached SLA*\\n3 (38%)" in text and "median 1h 35m" in text
    for name in ("Ana Alvarez", "Ben Brooks", "Cara Chen", "Eve Evans", "Webinar", "Ebook"):
        assert name in text


def test_a_rep_never_sees_another_reps_leads(bot, data):
    text = shown(ask(bot, f.ANA, "summary 30d"))
    assert "*Hand-offs*\\n4" in text  # H0, H1, H6, H8
    assert "Ben Brooks" not in text and "Cara Chen" not in text and "Timing" not in text
    stale = shown(ask(bot, f.BEN, "stale"))
    assert "Nothing is overdue" in stale and "Six" not in stale


def test_a_manager_sees_only_their_team(bot, data):
    text = shown(ask(bot, f.MAYA, "summary"))
    assert "Ana Alvarez" in text and "Sam Diaz" in text and "Eve Evans" not in text
    emea = shown(ask(bot, f.MAX, "summary"))
    assert "Eve Evans" in emea and "Ana Alvarez" not in emea


def test_stale_list_nudges_and_decides(bot, data):
    listing = ask(bot, f.MAYA, "stale")
    assert "2 pending past the deadline" in shown(listing)
    bot.peer.act(f.MAYA, ids.NUDGE_AGAIN, channel=listing.channel, ts=listing.ts)
    wait_for(lambda: any("Nudged Ana" in e.text for e in bot.slack.state.ephemerals(user=f.MAYA)))
    with unit_of_work(bot.runtime.engine) as session:
        kinds = [e.kind for e in events_for_lead(data.leads["L6"], session=session)]
    assert kinds[-1] == "nudged"

    own = ask(bot, f.ANA, "stale")
    buttons = [e["action_id"] for b in own.blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids.NUDGE_AGAIN not in buttons and ids.REASSIGN_NOW not in buttons
    bot.peer.act(f.ANA, ids.ACCEPT, channel=own.channel, ts=own.ts)

    def accepted():
        with unit_of_work(bot.runtime.engine) as session:
            return get_handoff(data.handoffs["H6"], session=session).status == "accepted"

    wait_for(accepted)


def test_marketers_see_every_teams_numbers_read_only(bot, data):
    everyone = shown(ask(bot, f.ADA, "summary"))
    text = shown(ask(bot, f.MIA, "summary"))
    assert "*Hand-offs*\\n8" in text and "*Hand-offs*\\n8" in everyone
    assert "Ana Alvarez" in text and "Eve Evans" in text  # every team, by rep
    listing = ask(bot, f.MIA, "stale")
    assert "2 pending past the deadline" in shown(listing)
    assert [b for b in listing.blocks if b["type"] == "actions"] == []  # no buttons: read-only
    admin = ask(bot, f.ADA, "stale")
    assert "2 pending past the deadline" in shown(admin)
    assert any(b["type"] == "actions" for b in admin.blocks)


def test_lead_timeline_by_scope(bot, data):
    assert "No lead with the email" in ask(bot, f.ANA, f"lead {EMAILS['L2']}").text
    text = shown(ask(bot, f.MIA, f"lead {EMAILS['L2']}"))  # marketers: any lead
    assert "Lead: Bo Two (Acme Corp)" in text
    assert f"Hand-off {data.handoffs['H2']} to Ben Brooks: rejected" in text
    assert "Rejected by <@U0AE00002> after 1h: Bad or unverifiable data" in text
    assert "&lt;b&gt;fake&lt;/b&gt; &amp; co" in text and "<b>" not in text
    assert "No lead with the email" in ask(bot, f.ADA, "lead nobody@nowhere.example").text


def test_campaigns_and_contract_for_marketing(bot, data):
    campaigns = shown(ask(bot, f.MIA, "campaigns"))
    assert "Webinar" in campaigns and "Rejected: Bad or unverifiable data (1)" in campaigns
    contract = shown(ask(bot, f.MIA, "contract"))
    assert "Requested a demo *" in contract and "2 decided, 0% accepted" in contract


@pytest.mark.parametrize(
    "text",
    [
        "summary 12x",
        "summary 7d 30d",
        "stale now",
        "lead",
        "lead not-an-email",
        "campaigns 1y",
        "contract 2d",
    ],
)
def test_bad_arguments_get_a_short_usage_answer(bot, text):
    answer = ask(bot, f.MAYA, text)
    assert "Usage: `/handshake" in answer.text and not answer.blocks


def test_help_lists_every_subcommand(bot):
    text = ask(bot, f.ANA, "help").text
    for usage in (
        "summary [7d|30d|90d|qtd]",
        "stale",
        "lead &lt;email&gt;",
        "campaigns",
        "contract",
    ):
        assert f"/handshake {usage}" in text
    assert "/handshake away" in text and "/handshake capacity" in text


def test_someone_off_the_roster_is_told_so(bot):
    bot.slack.state.add_user("U0STRANGER", "stranger")
    assert ask(bot, "U0STRANGER", "summary").text == NOT_ON_ROSTER


def test_a_failing_report_still_answers(bot, monkeypatch):
    from bot.commands import answering as answer

    def broken(**_kw):
        raise RuntimeError("boom")

    view = answer._PERIOD_REPORTS["summary"][1]
    monkeypatch.setitem(answer._PERIOD_REPORTS, "summary", (broken, view, False))
    assert ask(bot, f.ADA, "summary").text == answer.FAILED
