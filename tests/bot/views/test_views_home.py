"""The App Home builder, per role: content, escaping, and Slack's limits for a Home view."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot import ids
from bot.services.home import (
    BreachedItem,
    CampaignItem,
    DecisionItem,
    HomeData,
    MarketingView,
    OwnSettings,
    PendingItem,
    Queue,
    TeamView,
    TouchItem,
)
from bot.views.home import Notice, build_home
from storage.home import CampaignCounts, Responder, TeamCounts

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
WEEK = datetime(2026, 11, 23, tzinfo=UTC)
EVIL = "<!channel> & <@U0EVIL> <b>"


def problems(view: dict[str, Any], check_limits: Any) -> list[str]:
    """Slack's limits for a Home: the sandbox's validator and slack_sdk's own model, through
    the suite's checker (which reads a Home by its type)."""
    return check_limits(view, surface="view")


def pending(n: int, label: str = "Dana Scully (Acme)", overdue: bool = False) -> PendingItem:
    return PendingItem(n, label, "webinar-nov", NOW + timedelta(hours=n), overdue)


def touch(n: int, label: str = "Fox Mulder (FBI)", overdue: bool = False) -> TouchItem:
    return TouchItem(n, label, NOW - timedelta(days=1), NOW + timedelta(hours=n), overdue)


def rep(queue: Queue, settings: OwnSettings | None = None, name: str = "Ana Alvarez") -> HomeData:
    return HomeData(
        name, "ae", "UTC", WEEK, queue=queue, settings=settings or OwnSettings(None, None)
    )


def team(**kw: Any) -> TeamView:
    fields: dict[str, Any] = {
        "scope": "enterprise",
        "pending": 3,
        "breached": 1,
        "decisions": {"accepted": 4, "rejected": 2, "handed_back": 1},
        "per_team": (),
        "slowest": (Responder("U0AE00002", "Ben Brooks", 3 * 3600 + 20 * 60, 2),),
        "breached_items": (BreachedItem(7, "Dana Scully (Acme)", "Ana Alvarez", NOW),),
    }
    fields.update(kw)
    return TeamView(**fields)


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def element(view: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in view["blocks"]:
        for el in [*block.get("elements", []), block.get("accessory") or {}]:
            if el.get("action_id") == action_id:
                return el
    raise AssertionError(f"no {action_id}")


def test_rep_queue_buttons_and_deadlines(check_limits: Any) -> None:
    queue = Queue((pending(5), pending(6, overdue=True)), 2, (touch(9),), 1)
    view = build_home(rep(queue))
    assert problems(view, check_limits) == []
    text = text_of(view)
    assert "Waiting for your decision (2)" in text and "Decide by" in text
    assert "Overdue since" in text and "First touch due by" in text
    rows = {b["block_id"]: b for b in view["blocks"] if b["type"] == "actions" and "block_id" in b}
    decide = rows[f"{ids.HOME_PENDING_BLOCK}5"]["elements"]
    assert [(e["action_id"], e["value"]) for e in decide] == [
        (ids.ACCEPT, "5"),
        (ids.REJECT, "5"),
        (ids.HAND_BACK, "5"),
    ]
    touches = rows[f"{ids.HOME_TOUCH_BLOCK}9"]["elements"]
    assert [e["action_id"] for e in touches] == [
        ids.TOUCH_CONTACTED,
        ids.TOUCH_MEETING,
        ids.TOUCH_DISQUALIFIED,
    ]


def test_an_empty_queue_says_so() -> None:
    view = build_home(rep(Queue((), 0, (), 0)))
    assert "Nothing waiting for your decision" in text_of(view)
    assert ids.ACCEPT not in text_of(view)


def test_long_lists_fit_and_say_how_many_more(check_limits: Any) -> None:
    long = "L" * 4000
    queue = Queue(
        tuple(pending(i, long) for i in range(1, 21)),
        57,
        tuple(touch(i, long) for i in range(100, 120)),
        23,
    )
    view = build_home(rep(queue, OwnSettings(date(2026, 12, 1), 5)), Notice("x" * 5000, True))
    assert problems(view, check_limits) == []
    assert len(view["blocks"]) <= 100
    assert "and 37 more" in text_of(view) and "and 3 more" in text_of(view)


def test_more_blocks_than_a_home_holds_are_cut(check_limits: Any) -> None:
    items = tuple(BreachedItem(i, f"Lead {i}", "Ana", NOW) for i in range(80))
    data = HomeData("Maya", "manager", "UTC", WEEK, team=team(breached=80, breached_items=items))
    view = build_home(data)
    assert problems(view, check_limits) == []
    assert len(view["blocks"]) == 100
    assert "Home is full" in text_of(view)


def test_settings_when_available() -> None:
    view = build_home(rep(Queue((), 0, (), 0), OwnSettings(None, None)))
    picker = element(view, ids.HOME_AWAY_DATE)
    assert picker["type"] == "datepicker" and "initial_date" not in picker
    assert ids.HOME_BACK not in text_of(view)
    menu = element(view, ids.HOME_CAPACITY)
    assert menu["initial_option"]["value"] == ids.HOME_CAPACITY_OFF
    assert [o["value"] for o in menu["options"]] == ["off", *[str(n) for n in range(1, 21)]]
    assert "Available" in text_of(view) and "No cap" in text_of(view)


def test_settings_when_away_with_a_cap_outside_the_menu() -> None:
    view = build_home(rep(Queue((), 0, (), 0), OwnSettings(date(2026, 12, 1), 50)))
    assert element(view, ids.HOME_AWAY_DATE)["initial_date"] == "2026-12-01"
    assert element(view, ids.HOME_BACK)["text"]["text"] == "I'm back"
    menu = element(view, ids.HOME_CAPACITY)
    assert menu["initial_option"]["value"] == "50"
    assert menu["options"][-1]["value"] == "50"
    assert "Away until 2026-12-01" in text_of(view) and "At most 50" in text_of(view)


def test_notices() -> None:
    queue = Queue((), 0, (), 0)
    assert "✅ Done" in text_of(build_home(rep(queue), Notice("Done")))
    assert "⚠️ Bad" in text_of(build_home(rep(queue), Notice("Bad", error=True)))


def test_manager_view(check_limits: Any) -> None:
    own = Queue((pending(3),), 1, (), 0)
    data = HomeData("Maya Moreau", "manager", "UTC", WEEK, queue=own, team=team())
    view = build_home(data)
    assert problems(view, check_limits) == []
    text = text_of(view)
    assert "Team enterprise today" in text
    assert "*Pending*\\n3" in text and "*Breached (past due)*\\n1" in text
    assert "4 accepted" in text and "2 rejected" in text and "1 handed back" in text
    assert "since Mon 23 Nov" in text
    assert "1. Ben Brooks: 3h 20m (2 decisions)" in text
    row = next(b for b in view["blocks"] if b.get("block_id") == f"{ids.HOME_BREACHED_BLOCK}7")
    assert [(e["text"]["text"], e["action_id"], e["value"]) for e in row["elements"]] == [
        ("Nudge", ids.NUDGE_AGAIN, "7"),
        ("Reassign", ids.REASSIGN_NOW, "7"),
    ]
    assert "Your own leads" in text and f"{ids.HOME_PENDING_BLOCK}3" in text
    assert ids.HOME_AWAY_DATE not in text  # settings are a rep's


def test_manager_without_own_leads_or_breaches() -> None:
    data = HomeData(
        "Maya",
        "manager",
        "UTC",
        WEEK,
        queue=Queue((), 0, (), 0),
        team=team(breached=0, breached_items=(), slowest=()),
    )
    text = text_of(build_home(data))
    assert "Your own leads" not in text
    assert "No decisions yet this week" in text and "every pending lead is within" in text


def test_admin_view_has_every_team_and_failed_calls() -> None:
    per_team = (TeamCounts("emea", 1, 1), TeamCounts("enterprise", 2, 0), TeamCounts(None, 1, 0))
    data = HomeData(
        "Ada Admin", "admin", "UTC", WEEK, team=team(scope="", per_team=per_team), failed_outbox=3
    )
    text = text_of(build_home(data))
    assert "All teams today" in text
    assert "emea: 1 pending, 1 breached" in text and "No team: 1 pending" in text
    assert "3 Slack calls failed: run `handshake outbox`" in text
    healthy = HomeData("Ada Admin", "admin", "UTC", WEEK, team=team(scope=""))
    assert "failed" not in text_of(build_home(healthy))


def test_marketer_view(check_limits: Any) -> None:
    campaigns = (
        CampaignItem(
            CampaignCounts("Ebook", 1, 3, 1, 2),
            (("Bad or unverifiable data", 2), ("Unable to reach", 1)),
        ),
        CampaignItem(CampaignCounts("", 0, 0, 0, 1), ()),
    )
    latest = (
        DecisionItem(
            "rejected", "Dana Scully (Acme)", "Ebook", "Ana", "Ana", NOW, "Bad data", "call\nlater"
        ),
        DecisionItem("accepted", "Fox Mulder", None, "Ben", None, NOW, None, None),
    )
    data = HomeData(
        "Mia Marketer", "marketer", "UTC", WEEK, marketing=MarketingView(campaigns, 25, latest)
    )
    view = build_home(data)
    assert problems(view, check_limits) == []
    text = text_of(view)
    assert "*Ebook* · 7 hand-offs" in text
    assert "1 accepted · ❌ 3 rejected · ↩️ 1 handed back · ⏳ 2 pending" in text
    assert "Top reasons: Bad or unverifiable data (2) · Unable to reach (1)" in text
    assert "*No campaign* · 1 hand-off\\n" in text
    assert "and 23 more campaigns" in text
    assert "❌ Rejected: *Dana Scully (Acme)* · _Ebook_" in text
    assert "*Reason:* Bad data" in text and "> call later" in text
    assert "✅ Accepted: *Fox Mulder*\\nby Ben" in text
    assert ids.ACCEPT not in text  # marketers watch, they don't decide


def test_marketer_with_nothing_yet() -> None:
    data = HomeData("Mia", "marketer", "UTC", WEEK, marketing=MarketingView((), 0, ()))
    text = text_of(build_home(data))
    assert "No hand-offs yet this week" in text and "No decisions yet" in text


def test_not_on_the_roster() -> None:
    view = build_home(HomeData("U0STRANGER", None, "UTC", WEEK))
    assert "not on the Handshake roster" in text_of(view)
    assert view["blocks"][0]["text"]["text"] == "Hi there"
    assert len(view["blocks"]) == 2


def test_everything_from_outside_is_escaped(check_limits: Any) -> None:
    views = [
        build_home(
            rep(Queue((pending(1, EVIL),), 1, (touch(2, EVIL),), 1), name=EVIL),
        ),
        build_home(
            HomeData(
                EVIL,
                "admin",
                "UTC",
                WEEK,
                team=team(
                    scope=EVIL,
                    per_team=(TeamCounts(EVIL, 1, 1),),
                    slowest=(Responder("U1", EVIL, 60, 1),),
                    breached_items=(BreachedItem(1, EVIL, EVIL, NOW),),
                ),
            )
        ),
        build_home(
            HomeData(
                EVIL,
                "marketer",
                "UTC",
                WEEK,
                marketing=MarketingView(
                    (CampaignItem(CampaignCounts(EVIL, 1, 1, 0, 0), ((EVIL, 1),)),),
                    1,
                    (DecisionItem("rejected", EVIL, EVIL, EVIL, EVIL, NOW, EVIL, EVIL),),
                ),
            )
        ),
    ]
    for view in views:
        assert problems(view, check_limits) == []
        text = text_of(view)
        assert "<!channel>" not in text and "<@U0EVIL>" not in text and "<b>" not in text
        assert "&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;" in text
