"""`/handshake disputes [30d]` end to end, scoped by who asks (issue 14 §1)."""

from __future__ import annotations

from tests import factories as f
from tests.bot.dispute_data import build
from tests.handlers.test_report_commands import ask, shown


def test_admins_and_marketers_see_every_dispute_open_and_settled(bot):
    made = build(bot)
    for viewer in (f.ADA, f.MIA):
        text = shown(ask(bot, viewer, "disputes"))
        assert "Open (1)" in text and "Settled (2)" in text
        for name in ("Una Lee", "Ola Lee", "Ida Lee", "Una is a buyer", "Overturned", "Upheld"):
            assert name in text
        assert "3 disputes* · 2 settled · 1 overturned (50% overturn rate)" in text
        assert "Bad or unverifiable data: 2 disputed, 1 overturned (50%)" in text
        assert "Timing: the project is months out: 1 disputed, 0 overturned (—)" in text
        assert f"<@{made['Ida'].owner}>: 1 disputed, 0 overturned (—)" in text


def test_a_manager_sees_their_team_and_a_rep_their_own_decisions(bot):
    made = build(bot)
    maya = shown(ask(bot, f.MAYA, "disputes 30d"))
    assert "Una Lee" in maya and "Ola Lee" in maya and "Ida Lee" not in maya
    max_ = shown(ask(bot, f.MAX, "disputes"))
    assert "Ida Lee" in max_ and "Una Lee" not in max_ and "Open (1)" in max_
    una_owner = made["Una"].owner
    own = shown(ask(bot, una_owner, "disputes"))
    assert "Una Lee" in own and "Ida Lee" not in own
    if made["Ola"].owner != una_owner:
        assert "Ola Lee" not in own
    nobody = shown(ask(bot, f.SAM, "disputes"))
    assert "No disputes" in nobody


def test_a_bad_period_is_answered_with_the_usage(bot):
    text = shown(ask(bot, f.ADA, "disputes 5y"))
    assert "is not a period" in text and "/handshake disputes" in text
