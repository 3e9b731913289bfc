"""App Home per role through signed `app_home_opened` events, with hand-offs made by
intake and decisions through the real services; settings changed by clicking the Home."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot import ids
from bot.services import decisions
from bot.views import messages
from sandbox.interactions import Choice
from storage import outbox
from storage.db import unit_of_work
from storage.handoffs import get_handoff
from storage.models import Outbox
from storage.people import get_person
from tests import factories as f
from tests.helpers import wait_for

EMAIL = {p["slack_id"]: p["email"] for p in f.PEOPLE}


def lead(bot: Any, owner: str, first: str, **overrides: Any) -> Any:
    """A lead routed to `owner` (its CRM owner); returns its hand-off."""
    fields = {"owner_email": EMAIL[owner], "first_name": first, "last_name": "Lead"}
    routed = f.routed_handoff(bot, deliver=False, **{**fields, "company": "Co", **overrides})
    assert routed.answer["owner"] == owner, routed.answer
    return routed.handoff


def decide(bot: Any, handoff: Any, actor: str, action: str, **kw: Any) -> None:
    outcome = decisions.decide(
        handoff.id,
        actor,
        action,
        runtime=bot.runtime,
        **kw,
    )
    assert outcome.result == decisions.RECORDED


def home_after(bot: Any, user: str, act: Any) -> Any:
    """Do `act`, then wait until `user`'s Home is (re-)published."""
    before = bot.slack.state.home(user)
    act()
    return wait_for(
        lambda: (
            (h := bot.slack.state.home(user)) and (before is None or h.hash != before.hash) and h
        )
    )


def open_home(bot: Any, user: str) -> Any:
    return home_after(
        bot, user, lambda: bot.peer.event({"type": "app_home_opened", "user": user, "tab": "home"})
    )


def text(home: Any) -> str:
    return json.dumps(home.payload["blocks"], ensure_ascii=False)


def row(home: Any, block_id: str) -> list[tuple[str, str | None]]:
    block = next(b for b in home.payload["blocks"] if b.get("block_id") == block_id)
    return [(e["action_id"], e.get("value")) for e in block["elements"]]


def person(bot: Any, slack_id: str) -> Any:
    with unit_of_work(bot.runtime.engine) as session:
        return get_person(slack_id, session=session)


# -- reps ---------------------------------------------------------------------------------


def test_rep_sees_their_queue_and_nobody_elses(bot, clock):
    late = lead(bot, f.ANA, "Late")
    accepted = lead(bot, f.ANA, "Taken")
    other = lead(bot, f.BEN, "Bens")
    decide(bot, accepted, f.ANA, decisions.ACCEPT)
    clock.advance(hours=5)
    fresh = lead(bot, f.ANA, "Fresh")

    home = open_home(bot, f.ANA)
    shown = text(home)
    assert "Waiting for your decision (2)" in shown
    assert shown.index("Late Lead") < shown.index("Fresh Lead")  # most urgent first
    assert "Overdue since Mon 23 Nov 2026, 18:00 UTC" in shown
    assert "Decide by Mon 23 Nov 2026, 23:00 UTC" in shown
    assert row(home, f"{ids.HOME_PENDING_BLOCK}{fresh.id}") == [
        (ids.ACCEPT, str(fresh.id)),
        (ids.REJECT, str(fresh.id)),
        (ids.HAND_BACK, str(fresh.id)),
    ]
    assert "Accepted, waiting for your first touch (1)" in shown
    assert "First touch due by Wed 25 Nov 2026, 14:00 UTC" in shown
    assert [a for a, _ in row(home, f"{ids.HOME_TOUCH_BLOCK}{accepted.id}")] == [
        ids.TOUCH_CONTACTED,
        ids.TOUCH_MEETING,
        ids.TOUCH_DISQUALIFIED,
    ]
    assert f"{ids.HOME_PENDING_BLOCK}{late.id}" in shown
    assert "Bens Lead" not in shown and f"{ids.HOME_PENDING_BLOCK}{other.id}" not in shown
    assert ids.HOME_AWAY_DATE in shown and ids.HOME_CAPACITY in shown


def test_decision_and_touch_buttons_work_from_home(bot, clock):
    pending = lead(bot, f.ANA, "Pending")
    accepted = lead(bot, f.ANA, "Accepted")
    decide(bot, accepted, f.ANA, decisions.ACCEPT)
    home = open_home(bot, f.ANA)

    bot.peer.act(
        f.ANA, ids.ACCEPT, view_id=home.id, block_id=f"{ids.HOME_PENDING_BLOCK}{pending.id}"
    )
    bot.peer.act(
        f.ANA, ids.TOUCH_MEETING, view_id=home.id, block_id=f"{ids.HOME_TOUCH_BLOCK}{accepted.id}"
    )

    def state(handoff_id: int) -> Any:
        with unit_of_work(bot.runtime.engine) as session:
            return get_handoff(handoff_id, session=session)

    assert wait_for(lambda: state(pending.id).status == "accepted")
    assert wait_for(lambda: state(accepted.id).first_touch == "meeting_booked")
    shown = text(open_home(bot, f.ANA))
    assert "Nothing waiting for your decision" in shown
    assert "Pending Lead" in shown  # now accepted, waiting for its first touch
    assert "Accepted Lead" not in shown


def pick_away_date(bot, home, day: str):
    """Ana picks `day` in Home's Away until date picker; Home as it reads after."""
    return home_after(
        bot,
        f.ANA,
        lambda: bot.peer.act(
            f.ANA, ids.HOME_AWAY_DATE, view_id=home.id, choice=Choice(selected_date=day)
        ),
    )


def test_away_until_a_date_then_back(bot):
    home = open_home(bot, f.ANA)
    home = pick_away_date(bot, home, "2026-12-01")
    assert person(bot, f.ANA).away_until == date(2026, 12, 1)
    shown = text(home)
    assert "✅ You are away until 2026-12-01" in shown
    assert "Away until 2026-12-01: new leads go to your teammates" in shown
    assert bot.post_lead(f.lead_body()).json()["owner"] == f.BEN  # routing skips Ana

    home = home_after(bot, f.ANA, lambda: bot.peer.act(f.ANA, ids.HOME_BACK, view_id=home.id))
    assert person(bot, f.ANA).away_until is None
    assert "Welcome back" in text(home) and ids.HOME_BACK not in text(home)


def test_a_past_date_is_refused_with_a_line_on_home(bot):
    home = open_home(bot, f.ANA)
    home = pick_away_date(bot, home, "2026-11-22")
    assert "⚠️ 2026-11-22 is in the past" in text(home)
    assert person(bot, f.ANA).away_until is None
    assert not person(bot, f.ANA).settings_from_slack


@pytest.mark.parametrize(("tz", "utc_hour", "accepted"), [
    ("America/Los_Angeles", 27, True),  # 19:00 on the 23rd there, the 24th in UTC
    ("Asia/Tokyo", 16, False),  # 01:00 on the 24th there, the 23rd in UTC
])  # fmt: skip
def test_the_away_date_counts_from_the_persons_own_today(bot, clock, tz, utc_hour, accepted):
    from storage.people import set_tz

    with unit_of_work(bot.runtime.engine) as session:
        set_tz(f.ANA, tz, session=session)
    clock.advance(hours=utc_hour - 14)  # from Monday 14:00 UTC
    home = open_home(bot, f.ANA)
    home = pick_away_date(bot, home, "2026-11-23")
    if accepted:  # their today, as `/handshake away until 2026-11-23` has it
        assert person(bot, f.ANA).away_until == date(2026, 11, 23)
        assert "Away until 2026-11-23" in text(home)  # still their 23rd: away
        assert bot.post_lead(f.lead_body()).json()["owner"] == f.BEN  # routing skips Ana
    else:  # their yesterday
        assert "⚠️ 2026-11-23 is in the past" in text(home)
        assert person(bot, f.ANA).away_until is None


def test_capacity_from_the_menu_and_off(bot):
    home = open_home(bot, f.BEN)
    home = home_after(
        bot,
        f.BEN,
        lambda: bot.peer.act(
            f.BEN, ids.HOME_CAPACITY, view_id=home.id, choice=Choice(selected_option="5")
        ),
    )
    assert person(bot, f.BEN).capacity_per_day == 5
    assert "at most 5 new leads a day" in text(home)
    home = home_after(
        bot,
        f.BEN,
        lambda: bot.peer.act(
            f.BEN, ids.HOME_CAPACITY, view_id=home.id, choice=Choice(selected_option="off")
        ),
    )
    assert person(bot, f.BEN).capacity_per_day is None
    assert "Your daily cap is off" in text(home)


# -- managers and admins ---------------------------------------------------------------------


def team_week(bot: Any, clock: Any) -> dict[str, Any]:
    """Enterprise: Ana 2h to accept; Ben 1h to hand back and 5h to reject (median 3h);
    one breached (Ana's), one fresh (Ben's). EMEA: Eve's breached lead."""
    made = {
        "a1": lead(bot, f.ANA, "Quick"),
        "b1": lead(bot, f.BEN, "Slow"),
        "b2": lead(bot, f.BEN, "Back"),
        "e1": lead(bot, f.EVE, "Emea", country="DE"),
        "a2": lead(bot, f.ANA, "Stuck"),
    }
    clock.advance(hours=1)
    decide(bot, made["b2"], f.BEN, decisions.HANDBACK, reason_code="N-TIMING")
    clock.advance(hours=1)
    decide(bot, made["a1"], f.ANA, decisions.ACCEPT)
    clock.advance(hours=1)
    made["b3"] = lead(bot, f.BEN, "Fresh")
    clock.advance(hours=2)
    decide(bot, made["b1"], f.BEN, decisions.REJECT, reason_code="R-DATA")
    return made


def test_manager_sees_their_team_today(bot, clock):
    made = team_week(bot, clock)
    home = open_home(bot, f.MAYA)
    shown = text(home)
    assert "Team enterprise today" in shown
    assert "*Pending*\\n2" in shown and "*Breached (past due)*\\n1" in shown
    assert "✅ 1 accepted · ❌ 1 rejected · ↩️ 1 handed back" in shown
    assert "1. Ben Brooks: 3h (2 decisions)\\n2. Ana Alvarez: 2h (1 decision)" in shown
    assert "Stuck Lead (Co)* · Ana Alvarez" in shown
    stuck = made["a2"].id
    assert row(home, f"{ids.HOME_BREACHED_BLOCK}{stuck}") == [
        (ids.NUDGE_AGAIN, str(stuck)),
        (ids.REASSIGN_NOW, str(stuck)),
    ]
    assert "Fresh Lead" not in shown  # pending, not breached
    assert "Emea Lead" not in shown and "Your own leads" not in shown


def test_manager_scope_is_their_team_only(bot, clock):
    team_week(bot, clock)
    shown = text(open_home(bot, f.MAX))
    assert "Team emea today" in shown
    assert "*Pending*\\n1" in shown and "Emea Lead" in shown
    assert "Stuck Lead" not in shown and "Ben Brooks" not in shown
    assert "0 accepted · ❌ 0 rejected" in shown


def test_nudge_from_the_managers_home(bot, clock):
    made = team_week(bot, clock)
    home = open_home(bot, f.MAYA)
    stuck = made["a2"].id
    bot.peer.act(
        f.MAYA, ids.NUDGE_AGAIN, view_id=home.id, block_id=f"{ids.HOME_BREACHED_BLOCK}{stuck}"
    )

    def nudges() -> list[Outbox]:
        with unit_of_work(bot.runtime.engine) as session:
            rows = outbox.list_rows(session=session)
        return [r for r in rows if r.kind == outbox.DM and r.handoff_id == stuck]

    assert wait_for(nudges)


def test_manager_holding_leads_sees_their_own_queue(bot, clock):
    own = lead(bot, f.MAYA, "Fallback")
    shown = text(open_home(bot, f.MAYA))
    assert "Your own leads" in shown and "Fallback Lead" in shown
    assert f"{ids.HOME_PENDING_BLOCK}{own.id}" in shown


def test_admin_sees_every_team_and_failed_calls(bot, clock):
    team_week(bot, clock)
    with unit_of_work(bot.runtime.engine) as session:
        for _ in range(3):
            row_ = outbox.enqueue(outbox.DM, "owner", session=session, now=clock())
            session.flush()
            outbox.mark_failed(row_, clock(), "channel_not_found", session=session)
    shown = text(open_home(bot, f.ADA))
    assert "All teams today" in shown
    assert "*Pending*\\n3" in shown and "*Breached (past due)*\\n2" in shown
    assert "emea: 1 pending, 1 breached" in shown
    assert "enterprise: 2 pending, 1 breached" in shown
    assert "Stuck Lead" in shown and "Emea Lead" in shown
    assert "3 Slack calls failed: run `handshake outbox`" in shown


# -- marketers, strangers, escaping -------------------------------------------------------------


def test_marketer_sees_campaigns_reasons_and_latest_decisions(bot, clock):
    reasons = ["R-DATA", "R-DATA", "R-ICP", "R-JUNK", "R-AUTHORITY"]
    for n, code in enumerate(reasons):
        handoff = lead(bot, f.ANA, f"Ebook{n}", campaign="Ebook")
        clock.advance(minutes=1)
        decide(bot, handoff, f.ANA, decisions.REJECT, reason_code=code, note=f"note {n}")
    kept = lead(bot, f.BEN, "Webinar", campaign="Webinar")
    decide(bot, kept, f.BEN, decisions.ACCEPT)
    for n in range(5):
        lead(bot, f.CARA, f"Open{n}", campaign="Webinar")
    lead(bot, f.CARA, "Nocampaign", campaign=None)

    shown = text(open_home(bot, f.MIA))
    assert "hand-offs by campaign* (since Mon 23 Nov)" in shown
    assert "*Webinar* · 6 hand-offs\\n✅ 1 accepted · ❌ 0 rejected" in shown
    assert "⏳ 5 pending" in shown
    assert "*Ebook* · 5 hand-offs\\n✅ 0 accepted · ❌ 5 rejected" in shown
    assert "*No campaign* · 1 hand-off" in shown
    assert shown.index("*Webinar*") < shown.index("*Ebook*") < shown.index("*No campaign*")
    assert (
        "Top reasons: Bad or unverifiable data (2) · Junk, competitor or student (1) · "
        "Not our customer profile (size, industry, geography) (1)"
    ) in shown
    assert "Wrong person or no authority" not in shown.split("Latest decisions")[0]
    latest = shown.split("Latest decisions")[1]
    assert latest.index("Webinar Lead") < latest.index("Ebook4 Lead") < latest.index("Ebook0")
    assert "*Reason:* Wrong person or no authority" in latest and "> note 4" in latest
    assert "(wrong owner: re-routed)" not in latest
    assert ids.ACCEPT not in shown


def test_marketers_latest_decisions_mark_a_wrong_owner_reject(bot):
    """A wrong-owner reject is not a verdict on the lead: it went to its right owner."""
    handoff = lead(bot, f.ANA, "Misrouted", campaign="Ebook")
    decide(bot, handoff, f.ANA, decisions.REJECT, reason_code="R-OWNER")
    latest = text(open_home(bot, f.MIA)).split("Latest decisions")[1]
    assert "(wrong owner: re-routed): *Misrouted" in latest


def test_latest_decisions_stop_at_ten(bot, clock):
    for n in range(11):
        decide(bot, lead(bot, f.ANA, f"Decided{n:02d}", campaign="Ebook"), f.ANA, decisions.ACCEPT)
        clock.advance(minutes=1)
    latest = text(open_home(bot, f.MIA)).split("Latest decisions")[1]
    assert "Decided10" in latest and "Decided01" in latest and "Decided00" not in latest


def test_someone_not_on_the_roster_gets_a_friendly_line(bot):
    bot.slack.state.add_user("U0STRANGER", "stranger")
    shown = text(open_home(bot, "U0STRANGER"))
    assert "not on the Handshake roster yet" in shown


def test_outside_text_is_escaped_on_every_home(bot, clock):
    lead(
        bot,
        f.ANA,
        "<!channel>",
        company="A&B <Corp>",
        campaign="<b>Spring</b> & co",
    )
    clock.advance(hours=5)
    other = lead(bot, f.ANA, "Second")
    decide(bot, other, f.ANA, decisions.REJECT, reason_code="R-DATA", note="<@U0MGR0001> & <!here>")
    for user in (f.ANA, f.MAYA, f.ADA, f.MIA):
        shown = text(open_home(bot, user))
        assert "<!channel>" not in shown and "<!here>" not in shown and "<b>" not in shown
        assert "<@U0MGR0001>" not in shown
    assert "&lt;!channel&gt; Lead (A&amp;B &lt;Corp&gt;)" in text(open_home(bot, f.MAYA))
    assert "&lt;b&gt;Spring&lt;/b&gt; &amp; co" in text(open_home(bot, f.MIA))


def test_a_click_on_home_is_answered_on_home_and_refreshes_it(bot, clock):
    accepted = lead(bot, f.ANA, "Accepted")
    decide(bot, accepted, f.ANA, decisions.ACCEPT)
    home = open_home(bot, f.ANA)
    bot.peer.act(
        f.ANA, ids.TOUCH_MEETING, view_id=home.id, block_id=f"{ids.HOME_TOUCH_BLOCK}{accepted.id}"
    )
    # Home clicks carry no response_url: the answer is a line at the top of the new Home.
    notice = messages.touch_recorded("meeting_booked")
    refreshed = wait_for(
        lambda: notice in text(bot.slack.state.home(f.ANA)) and bot.slack.state.home(f.ANA)
    )
    assert "Accepted Lead" not in text(refreshed)
    assert not bot.slack.state.ephemerals(user=f.ANA)  # nothing tried a response_url
