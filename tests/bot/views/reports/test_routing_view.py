"""The routing report's Block Kit: its numbers as text, and Slack's limits with a roster far
bigger than a message holds and names that try to break out of mrkdwn."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reports.periods import period_for
from bot.reports.routing import Line, RoutingReport, TeamLines, _total
from bot.reports.scope import ALL, OWN, Scope
from bot.views.reports.routing import build_routing, number
from tests.bot.views.conftest import slack_limit_problems

NOW = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)


def line(n: int, name: str = "", **kw) -> Line:
    values = {
        "slack_id": f"U{n:08d}",
        "name": name or f"Person {n}",
        "weight_now": 1.5,
        "received": 3,
        "round_robin": 2,
        "expected": 2.0 / 3,
        "skipped": (1, 0, 2, 0),
    }
    values.update(kw)
    return Line(**values)


def report(teams, kind=ALL, events=10) -> RoutingReport:
    return RoutingReport(period_for("30d", now=NOW, tz="UTC"), Scope("U1", kind, frozenset()),
                         tuple(teams), events)  # fmt: skip


def text_of(message) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if "text" in b)


def test_numbers_round_and_never_show_minus_zero():
    assert number(-0.00001, sign=True) == "0.0"
    assert number(1 / 3, sign=True) == "+0.3"
    assert number(-2 / 3, sign=True) == "-0.7"
    assert number(4.6666) == "4.7"


def test_a_team_table_has_each_line_and_its_total():
    lines = [line(1, "Ana"), line(2, "Ben", weight_now=None, round_robin=0, expected=1.25)]
    message = build_routing(report([TeamLines("enterprise", tuple(lines), _total(lines))]),
                            tz="UTC")  # fmt: skip
    assert slack_limit_problems(message) == []
    rows = {r[:18].strip(): r[18:].split() for r in text_of(message).splitlines()}
    # Ana: weight 1.5, 3 got, 2 RR, 0.667 expected → 0.7, 2 − 0.667 = +1.3; away 1, shift 2
    assert rows["Ana"] == ["1.5", "3", "2", "0.7", "+1.3", "1", "0", "2", "0"]
    # Ben: off the roster (no weight), 0 RR against 1.25 → −1.3 (1.25 rounds half-even: 1.2)
    assert rows["Ben"] == ["—", "3", "0", "1.2", "-1.2", "1", "0", "2", "0"]
    # total: 6 got, 2 RR, 1.917 expected, 2 − 1.917 = +0.1; away 2, shift 4
    assert rows["Team total"] == ["6", "2", "1.9", "+0.1", "2", "0", "4", "0"]
    assert "*Team enterprise*" in text_of(message)


def test_a_reps_own_line_has_no_total_and_an_empty_period_says_so():
    lines = [line(1, "Ana", received=0, round_robin=0, expected=0.0, skipped=(0, 0, 0, 0))]
    message = build_routing(report([TeamLines("t", tuple(lines), _total(lines))], OWN, 0),
                            tz="UTC")  # fmt: skip
    text = text_of(message)
    assert "No lead was routed in this period." in text
    assert "*Your line*" in text and "Team total" not in text


def test_a_huge_roster_and_hostile_names_stay_within_slacks_limits():
    teams = []
    for t in range(60):
        lines = [line(i, name=f"<!channel> & {'x' * 30} {i}") for i in range(40)]
        teams.append(TeamLines(f"<team {t}> & co", tuple(lines), _total(lines)))
    message = build_routing(report(teams), tz="UTC")
    assert slack_limit_problems(message) == []
    assert len(message["blocks"]) == 50
    assert "<!channel>" not in text_of(message)
