"""The report builders, pure: escaping of everything from outside, Slack's limits with big
data, buttons by scope, and human durations."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import ids
from bot.reports.campaigns import CampaignReport, CampaignRow
from bot.reports.common import Counts, ReasonCount, Timing
from bot.reports.contract import ContractReport, SignalRow, Verdicts
from bot.reports.periods import period_for
from bot.reports.scope import ALL, OWN, TEAM, Scope
from bot.reports.stale import StaleItem, StaleReport
from bot.reports.summary import RepRow, Summary
from bot.reports.timeline import HandoffLine, LeadTimeline, Step, TimelineReport
from bot.views import reports as v
from bot.views.text import duration_text
from tests.bot.views.conftest import slack_limit_problems

NOW = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
EVIL = "<!channel> & <script>`"
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
ADMIN = Scope("U0ADM0001", ALL, frozenset())
TEAM_SCOPE = Scope("U0MGR0001", TEAM, frozenset({"U0AE00001"}), ("enterprise",))
REP = Scope("U0AE00001", OWN, frozenset({"U0AE00001"}))


def problems(message: dict[str, Any]) -> list[str]:
    """Slack's limits (the sandbox's validator, the one copy), and no outside text unescaped."""
    found = slack_limit_problems(message)
    raw = json.dumps(message, ensure_ascii=False)
    if BROKEN_ENTITY.search(raw) or "<!channel>" in raw or "<script>" in raw:
        found.append("unescaped outside text")
    return found


def counts(n: int = 10) -> Counts:
    return Counts(n, n // 2, 2, 1, 1, 0, n // 4, 1)


def a_summary(*, scope: Scope = ADMIN, reps: int = 3, campaigns: int = 3) -> Summary:
    period = period_for("7d", now=NOW, tz="UTC")
    reasons = tuple(ReasonCount("rejected", f"R-{i}", EVIL * 3, 9 - i) for i in range(5))
    return Summary(
        period=period,
        scope=scope,
        received=12 if scope.kind == ALL else None,
        qualified=10 if scope.kind == ALL else None,
        nurtured=2 if scope.kind == ALL else None,
        counts=counts(),
        to_decision=Timing(10, 95, 210),
        to_first_touch=Timing(),
        reject_reasons=reasons,
        handback_reasons=(),
        reps=tuple(RepRow(f"U0AE{i:05d}", EVIL + str(i), counts(), 42.4) for i in range(reps)),
        campaigns=tuple(
            CampaignRow(EVIL * 5 + str(i), 4 if scope.kind == ALL else None, 1, counts())
            for i in range(campaigns)
        ),
    )


def test_summary_shows_the_numbers_and_escapes_names():
    message = v.build_summary(a_summary(), tz="UTC")
    assert problems(message) == []
    text = json.dumps(message, ensure_ascii=False)
    assert "*Accepted*\\n5 (62%)" in text  # 5 of 5 + 2 + 1 verdicts
    assert "median 1h 35m · p90 3h 30m (10)" in text
    assert "Accept to first touch*\\nno data yet" in text
    assert "&lt;!channel&gt; &amp; &lt;scrip…" in text  # cut to its column, then escaped
    assert text.count("```") == 4  # a backtick in a name cannot close a table early
    assert "Recv" in text and "Kept in nurture" in text


def test_summary_for_a_rep_has_no_rep_table_nor_company_lead_counts():
    message = v.build_summary(a_summary(scope=REP), tz="UTC")
    text = json.dumps(message)
    assert "By rep" not in text and "Recv" not in text and "Kept in nurture" not in text
    assert "*Leads routed to you*\\n9" in text
    assert problems(message) == []


def test_big_tables_are_cut_to_fit():
    message = v.build_summary(a_summary(reps=300, campaigns=500), tz="UTC")
    assert problems(message) == []
    text = json.dumps(message, ensure_ascii=False)
    assert "… and 275 more" in text and "… and 475 more" in text


def stale_report(n: int, scope: Scope, total: int | None = None) -> StaleReport:
    items = tuple(
        StaleItem(
            handoff_id=100 + i,
            lead_label=EVIL * 40,
            campaign=EVIL,
            owner_id="U0AE00001",
            owner_name="Ana",
            created_at=NOW - timedelta(hours=30),
            due_at=NOW - timedelta(hours=26),
            overdue_minutes=26 * 60,
        )
        for i in range(n)
    )
    return StaleReport(scope, NOW, items, total if total is not None else n)


def action_ids(message: dict[str, Any]) -> list[list[str]]:
    return [
        [e["action_id"] for e in b["elements"]] for b in message["blocks"] if b["type"] == "actions"
    ]


def test_stale_for_a_manager_carries_nudge_reassign_and_the_decisions():
    message = v.build_stale(stale_report(15, TEAM_SCOPE, total=40), tz="UTC")
    assert problems(message) == []
    rows = action_ids(message)
    assert len(rows) == 15
    assert rows[0] == [ids.NUDGE_AGAIN, ids.REASSIGN_NOW, ids.ACCEPT, ids.REJECT, ids.HAND_BACK]
    values = {
        e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert values == {str(100 + i) for i in range(15)}
    assert "and 25 more" in json.dumps(message)
    assert "*26h overdue*" in json.dumps(message)


def test_stale_for_a_rep_carries_only_the_decisions():
    message = v.build_stale(stale_report(2, REP), tz="UTC")
    assert action_ids(message) == [[ids.ACCEPT, ids.REJECT, ids.HAND_BACK]] * 2


def test_nothing_stale():
    message = v.build_stale(stale_report(0, REP), tz="UTC")
    assert "Nothing is overdue" in message["text"] and problems(message) == []


def a_timeline(steps: int) -> TimelineReport:
    kinds = [
        ("received", {"source": "hubspot", "campaign": EVIL}),
        ("routed", {"owner": "U0AE00001", "rule": "round_robin"}),
        ("delivered", {"card": "owner"}),
        ("nudged", {"recipient": "U0AE00001", "waited": "4h"}),
        ("escalated", {"recipient": "U0MGR0001", "waited": "8h"}),
        ("reassigned", {"new_owner": "U0AE00002", "reason": "after 24h"}),
        ("rejected", {"reason": "Bad data", "note": EVIL * 200, "minutes": 61}),
        ("first_touch", {"touch": "meeting_booked", "minutes": 30}),
        ("something_new", {}),
    ]
    line = HandoffLine(
        1, "U0AE00001", EVIL, "round_robin", "pending", NOW, NOW, None, None, None, None
    )
    lead = LeadTimeline(
        lead_id=1,
        label=EVIL * 100,
        email="a@b.example",
        source=EVIL,
        company=EVIL,
        campaign=EVIL,
        score=72.5,
        status="handed_back",
        created_at=NOW,
        handoffs=(line,),
        steps=tuple(
            Step(
                NOW + timedelta(minutes=i),
                *kinds[i % len(kinds)][:1],
                "U0AE00001",
                1,
                kinds[i % len(kinds)][1],
            )
            for i in range(steps)
        ),
    )
    return TimelineReport("a@b.example", (lead, lead, lead), hidden=2)


def test_timeline_reads_like_a_story():
    message = v.build_timeline(a_timeline(9), tz="UTC")
    assert problems(message) == []
    text = json.dumps(message, ensure_ascii=False)
    for expected in (
        "Received from hubspot · campaign &lt;!channel&gt; &amp;",
        "Routed to <@U0AE00001> by round robin",
        "Card posted to the owner's DM",
        "Nudged <@U0AE00001> after 4h",
        "Escalated to <@U0MGR0001> after 8h",
        "Reassigned to <@U0AE00002> · after 24h",
        "Rejected by <@U0AE00001> after 1h 1m: Bad data · “",
        "First touch by <@U0AE00001>: Meeting booked, 30m after the accept",
        "Something new by <@U0AE00001>",
        "2 older leads with this email are not shown",
        "Hand-off 1 to &lt;!channel&gt; &amp; &lt;script&gt;`: pending, due Tue 24 Nov 2026",
    ):
        assert expected in text, expected


def test_a_long_timeline_fits_one_message():
    message = v.build_timeline(a_timeline(2000), tz="UTC")
    assert problems(message) == []
    assert "earlier steps not shown" in json.dumps(message)


def test_an_unknown_lead():
    message = v.build_timeline(TimelineReport("<x@y.example>", ()), tz="UTC")
    assert message["text"] == "No lead with the email &lt;x@y.example&gt; that you can see."


def test_campaigns_show_reasons_per_campaign():
    rows = tuple(
        CampaignRow(
            f"{EVIL}{i}",
            None,
            None,
            counts(),
            (ReasonCount("rejected", "R-DATA", EVIL, 3),),
            (ReasonCount("handed_back", "N-TIMING", "Timing", 2),),
        )
        for i in range(30)
    )
    period = period_for("30d", now=NOW, tz="UTC")
    message = v.build_campaigns(CampaignReport(period, TEAM_SCOPE, rows), tz="UTC")
    assert problems(message) == []
    text = json.dumps(message, ensure_ascii=False)
    assert "Rejected: &lt;!channel&gt;" in text and "Handed back: Timing (2)" in text
    assert "reasons for 20 more" in text
    empty = v.build_campaigns(CampaignReport(period, TEAM_SCOPE, ()), tz="UTC")
    assert "No leads in this period" in json.dumps(empty)


def test_contract_table():
    report = ContractReport(
        period=period_for("90d", now=NOW, tz="UTC"),
        scope=ADMIN,
        version="2026-11 <b>",
        min_score=60,
        signals=(
            SignalRow("Requested a demo", True, Verdicts(9, 1, 0), Verdicts(1, 2, 1)),
            SignalRow(EVIL, False, Verdicts(), Verdicts(1, 0, 0)),
        ),
        score_only=Verdicts(1, 2, 1),
        score_only_rejects=(ReasonCount("rejected", "R-ICP", "Not our profile", 2),),
        score_only_handbacks=(),
    )
    message = v.build_contract(report, tz="UTC")
    assert problems(message) == []
    text = json.dumps(message, ensure_ascii=False)
    assert "Requested a demo *" in text and "90% of 10" in text and "25% of 4" in text
    assert "— of 0" in text
    assert "4 decided, 25% accepted" in text and "Not our profile: 2" in text


def test_contract_reasons_say_they_cover_score_only_leads():
    """A rejection of a lead that qualified on a signal is not in that section: its labels
    say whose reasons they are, and an empty one says none of those leads were rejected."""
    report = ContractReport(
        period=period_for("30d", now=NOW, tz="UTC"),
        scope=ADMIN,
        version="2026-11",
        min_score=60,
        signals=(SignalRow("Requested a demo", True, Verdicts(1, 1, 0), Verdicts(1, 0, 0)),),
        score_only=Verdicts(1, 0, 0),
        score_only_rejects=(),
        score_only_handbacks=(),
    )
    text = json.dumps(v.build_contract(report, tz="UTC"), ensure_ascii=False)
    assert "Why rejected*\\nnone" not in text
    assert "none of the score-only leads were rejected" in text
    assert "none of the score-only leads were handed back" in text
    assert "Why score-only leads were rejected" in text


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [(None, "—"), (0.2, "<1m"), (44.6, "45m"), (95, "1h 35m"), (72 * 60 + 61, "3d 1h")],
)
def test_reports_show_durations_with_the_one_formatter(minutes, shown):
    assert duration_text(minutes) == shown


def test_the_timeline_says_a_lead_waited_for_a_shift_and_moved_when_its_owner_went_away():
    from bot.views.reports.timeline import step_text

    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    data = {"until": "2026-12-01T14:00:00+00:00", "give_up_at": "2026-12-01T07:00:00+00:00"}
    waiting = Step(at, "waiting", "intake", None, data)
    text = step_text(waiting, "America/New_York")
    assert text.startswith("Waiting for someone on shift")
    assert "Tue 1 Dec 2026, 02:00 EST" in text  # the latest it waits, in the reader's zone
    moved = Step(at, "away_reassigned", "U0AE00001", 7,
                 {"new_owner": "U0AE00002", "until": "bad <date>"})  # fmt: skip
    text = step_text(moved, "UTC")
    assert text == "Moved to <@U0AE00002> at once: <@U0AE00001> went away"  # no bad date shown


def test_the_timeline_says_the_follow_up_stopped_when_the_owner_left():
    from bot.views.reports.timeline import step_text

    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    data = {"owner": "U0AE00001", "recipient": "U0MGR0001", "reason": "deactivated <in> Slack"}
    text = step_text(Step(at, "follow_up_stopped", "system", 7, data), "UTC")
    assert text == (
        "Follow-up reminders stopped: <@U0AE00001> left (deactivated &lt;in&gt; Slack);"
        " told <@U0MGR0001>"
    )
    alone = step_text(Step(at, "follow_up_stopped", "system", 7, {"owner": "U0AE00001"}), "UTC")
    assert alone == "Follow-up reminders stopped: <@U0AE00001> left"
    left = {"ae": "U0AE00001", "reason": "left the roster"}
    assert step_text(Step(at, "meeting_ae_left", "system", 7, left), "UTC") == (
        "Meeting handed to the manager: <@U0AE00001> left (left the roster)"
    )


def test_report_headers_keep_team_names_as_written_and_escape_them():
    from bot.reports.periods import period_for
    from bot.reports.scope import TEAM, Scope
    from bot.views.reports.tables import period_line, scope_text

    scope = Scope("U0MGR0001", TEAM, frozenset(), ("Enterprise EMEA", "R&D <core>"))
    line = period_line(
        period_for("30d", now=datetime(2026, 12, 1, tzinfo=UTC), tz="UTC"), scope, "UTC"
    )
    assert line.startswith("Team Enterprise EMEA, R&amp;D &lt;core&gt; · last 30 days: ")
    assert scope_text(scope) == "team Enterprise EMEA, R&amp;D &lt;core&gt;"


def test_the_disputes_report_names_whoever_made_the_decision():
    from bot.reports.disputes import DisputeItem
    from bot.views.reports.disputes import _item

    item = DisputeItem(
        dispute_id=1, lead_label="Una Lee", decision="rejected", reason=None,
        owner_id="U0AE00001", decided_by="U0MGR0001", disputed_by="U0MKT0001", why="Buyer",
        status="open", created_at=datetime(2026, 12, 1, tzinfo=UTC), settled_by=None,
        settled_at=None, settle_note=None,
    )  # fmt: skip
    assert "Rejected by <@U0MGR0001>" in _item(item, "UTC")
