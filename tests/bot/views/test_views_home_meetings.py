"""Home's meetings (SDR → AE stage), pure: content, escaping, "and N more", Slack's limits;
and the SLA's meeting DMs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot import ids
from bot.services.home import HomeData, OwnSettings, Queue
from bot.services.home_meetings import MeetingItem, MeetingsView
from bot.views.home import build_home
from bot.views.sla_meeting import (
    build_meeting_escalation,
    build_meeting_nudge,
    build_settled_meeting_dm,
)

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
WEEK = datetime(2026, 11, 23, tzinfo=UTC)
EVIL = "<!channel> & <@U0EVIL> <b>"


def item(n: int, label: str = "Jordan Lee (Acme)", **kw: Any) -> MeetingItem:
    fields: dict[str, Any] = {
        "meeting_id": n,
        "handoff_id": 100 + n,
        "lead_label": label,
        "sdr_name": "Sam Diaz",
        "ae_name": "Ana Alvarez",
        "meeting_at": NOW - timedelta(days=1),
        "due_at": NOW + timedelta(hours=n),
        "overdue": False,
        "late_minutes": 0.0,
    }
    return MeetingItem(**{**fields, **kw})


def home(role: str, meetings: MeetingsView) -> dict[str, Any]:
    empty = Queue((), 0, (), 0)
    if role in ("sdr", "ae"):
        data = HomeData(
            "Sam",
            role,
            "UTC",
            WEEK,
            queue=empty,
            settings=OwnSettings(None, None),
            meetings=meetings,
        )
    else:
        data = HomeData("Maya", role, "UTC", WEEK, queue=empty, meetings=meetings)
    return build_home(data)


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def test_an_ae_s_meetings_carry_the_three_decisions_and_say_how_many_more(check_limits):
    view = home("ae", MeetingsView("ae", items=(item(1, overdue=True), item(2)), total=9))
    shown = text_of(view)
    assert check_limits(view, surface="view") == []
    assert "Meetings to decide (9)" in shown and "…and 7 more" in shown
    assert "🔴 Overdue since Wed 25 Nov 2026, 16:00 UTC" in shown
    assert "⏳ Decide by Wed 25 Nov 2026, 17:00 UTC" in shown
    [row] = [b for b in view["blocks"] if b.get("block_id") == f"{ids.HOME_MEETING_BLOCK}1"]
    assert [(e["action_id"], e["value"], e["text"]["text"]) for e in row["elements"]] == [
        (ids.MEETING_ACCEPT, "1", "Accept into pipeline"),
        (ids.MEETING_SEND_BACK, "1", "Send back to SDR"),
        (ids.MEETING_REJECT, "1", "Reject"),
    ]


def test_an_sdr_s_sent_back_meetings_show_the_gap_escaped(check_limits):
    back = item(3, EVIL, failed_question="Can we compete?", decision_note=EVIL, decided_at=NOW)
    view = home(
        "sdr", MeetingsView("sdr", items=(item(1),), total=1, sent_back=(back,), sent_back_total=4)
    )
    shown = text_of(view)
    assert check_limits(view, surface="view") == []
    assert "<!channel>" not in shown and "<@U0EVIL>" not in shown
    assert "&lt;!channel&gt; &amp; &lt;@U0EVIL&gt;" in shown
    assert "Failed: *Can we compete?*" in shown and "…and 3 more" in shown
    assert ids.MEETING_ACCEPT not in shown


def test_a_team_s_meetings_say_who_holds_them_and_how_late(check_limits):
    late = item(1, overdue=True, late_minutes=125.0)
    view = home("manager", MeetingsView("team", items=(late,), total=1, overdue_total=1))
    shown = text_of(view)
    assert check_limits(view, surface="view") == []
    assert "held by Ana Alvarez (AE) · booked by Sam Diaz" in shown
    assert "🔴 2h 5m late" in shown
    empty = text_of(home("manager", MeetingsView("team")))
    assert "None: no booked meeting waits for an AE's decision." in empty


def test_long_labels_and_full_lists_stay_within_slack_s_limits(check_limits):
    long = "L" * 4000
    items = tuple(item(i, long, sdr_name=long, ae_name=long) for i in range(1, 9))
    view = home("ae", MeetingsView("ae", items=items, total=8))
    assert check_limits(view, surface="view") == []


def test_the_meeting_nudge_escalation_and_settled_dm(check_limits):
    nudge = build_meeting_nudge(
        meeting_id=7,
        lead_label=EVIL,
        sdr_name="Sam Diaz",
        meeting_at=NOW,
        due_at=NOW + timedelta(days=1),
        tz="America/New_York",
        permalink="https://example.slack.com/archives/D1/p1",
    )
    escalation = build_meeting_escalation(
        lead_label="Jordan Lee (Acme)",
        sdr_name="Sam Diaz",
        ae_name="Ana Alvarez",
        meeting_at=NOW,
        due_at=NOW,
        waited="2d",
        tz="UTC",
    )
    settled = build_settled_meeting_dm(
        lead_label="Jordan Lee (Acme)",
        escalation=False,
        status="rejected",
        by_name="Maya Moreau",
        detail="Bad data",
        at=NOW,
        tz="UTC",
    )
    for message in (nudge, escalation, settled):
        assert check_limits(message) == []
    text = json.dumps(nudge, ensure_ascii=False)
    assert "Wed 25 Nov 2026, 10:00 EST" in text and "<!channel>" not in text
    assert "<https://example.slack.com/archives/D1/p1|Open the meeting card>" in text
    assert [e["action_id"] for e in nudge["blocks"][-1]["elements"]] == [
        ids.MEETING_ACCEPT,
        ids.MEETING_SEND_BACK,
        ids.MEETING_REJECT,
    ]
    assert "actions" not in json.dumps(escalation) and "2d of working time" in str(escalation)
    assert "Rejected by Maya Moreau — Bad data" in str(settled)
    assert "actions" not in json.dumps(settled)


def test_the_escalation_for_an_ae_who_left_asks_the_manager_with_buttons(check_limits):
    message = build_meeting_escalation(
        lead_label=EVIL,
        sdr_name="Sam <Diaz>",
        ae_name="Ana & Co",
        meeting_at=NOW,
        due_at=NOW,
        waited="",
        tz="UTC",
        ae_left="deactivated in Slack",
        meeting_id=7,
    )
    assert check_limits(message) == []
    text = str(message["blocks"])
    assert "can no longer decide" in text and "deactivated in Slack" in text
    assert "Ana &amp; Co" in text and "Sam &lt;Diaz&gt;" in text and "<!channel>" not in text
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [e["value"] for e in actions["elements"]] == ["7", "7", "7"]
