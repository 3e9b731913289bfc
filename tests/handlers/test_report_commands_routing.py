"""`/handshake routing` end to end: a known sequence of leads through intake (weights from
people[].weight, an absence, a daily cap, a CRM owner), then signed slash commands to the
served bot, each caller's answer read from the stand-in Slack. The figures are worked out
by hand below from the stride scheduling of bot/domain/routing.py."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from bot.config import parse_config
from storage import people
from storage.db import unit_of_work
from tests import factories as f
from tests.handlers.test_report_commands import ask, shown

COLUMNS = 18  # the name column's width in the routing table


@pytest.fixture
def config():
    roster = copy.deepcopy(f.PEOPLE)
    for person in roster:
        if person["slack_id"] == f.ANA:
            person["weight"] = 2
    return parse_config(f.config_data(people=roster))


def send(bot, n: int, **overrides) -> list[str]:
    owners = []
    for _ in range(n):
        answer = bot.post_lead(f.lead_body(**overrides))
        assert answer.status_code == 202 and answer.json()["status"] == "routed", answer.text
        owners.append(answer.json()["owner"])
    return owners


@pytest.fixture
def sequence(bot):
    """The enterprise rotation: Ana (weight 2), Ben and Cara (1 each); passes start at 0,
    ties go to the next in roster order after the last one chosen.

    1. All three in, 4 leads; each lead's shares Ana 2/4, Ben 1/4, Cara 1/4.
       Ana (pass 0 → 0.5), Ben (0 → 1), Cara (0 → 1), Ana (0.5 → 1).
    2. A lead whose CRM owner is Ben: Ben's, not round robin, no shares.
    3. Cara away, 2 leads; shares Ana 2/3, Ben 1/3; Cara passed over (away) twice.
       Passes all 0, after Ana: Ben (→ 1), then Ana (0 < 1; → 0.5).
    4. Cara back, Ben capped at 3 a day (he has 3 today: 2 + the CRM lead), 2 leads;
       shares Ana 2/3, Cara 1/3; Ben passed over (capacity) twice.
       Ana 0.5, Cara 0 → Cara (→ 1); Ana 0.5 < Cara 1 → Ana.
    5. One German lead: EMEA's only AE, Eve, share 1.

    Enterprise: Ana got 4 (all round robin), expected 4·1/2 + 2·2/3 + 2·2/3 = 4.667 → −0.667
                Ben got 3 (2 round robin), expected 4·1/4 + 2·1/3 = 1.667 → +0.333, cap 2
                Cara got 2 (both round robin), expected 4·1/4 + 2·1/3 = 1.667 → +0.333, away 2
                total got 9, round robin 8, expected 8.0, away 2, capacity 2
    EMEA:       Eve got 1, expected 1.0."""
    assert send(bot, 4) == [f.ANA, f.BEN, f.CARA, f.ANA]
    assert send(bot, 1, owner_email="ben@example.com") == [f.BEN]
    with unit_of_work(bot.runtime.engine) as session:
        people.set_away(f.CARA, f.START.date() + timedelta(days=7), session=session)
    assert send(bot, 2) == [f.BEN, f.ANA]
    with unit_of_work(bot.runtime.engine) as session:
        people.set_away(f.CARA, None, session=session)
        people.set_capacity(f.BEN, 3, session=session)
    assert send(bot, 2) == [f.CARA, f.ANA]
    assert send(bot, 1, country="DE") == [f.EVE]
    bot.runtime.clock.advance(minutes=1)  # asked a minute later (a period ends before now)


def rows(answer) -> dict[str, list[str]]:
    """Each table line of the answer's sections: the name, then the other cells."""
    found = {}
    for block in answer.blocks:
        if block["type"] != "section":
            continue
        for line in block.get("text", {}).get("text", "").splitlines():
            if len(line) > COLUMNS and not line.startswith("```"):
                found[line[:COLUMNS].strip()] = line[COLUMNS:].split()
    return found


HEADER = ["Wt", "Got", "RR", "Exp", "+/-", "Away", "Cap", "Shift", "Deact"]
ANA = ["2", "4", "4", "4.7", "-0.7", "0", "0", "0", "0"]
BEN = ["1", "3", "2", "1.7", "+0.3", "0", "2", "0", "0"]
CARA = ["1", "2", "2", "1.7", "+0.3", "2", "0", "0", "0"]
ENTERPRISE = ["9", "8", "8.0", "0.0", "2", "2", "0", "0"]
EVE = ["1", "1", "1", "1.0", "0.0", "0", "0", "0", "0"]


def test_an_admin_sees_each_persons_share_and_skips_worked_out_by_hand(bot, sequence):
    answer = ask(bot, f.ADA, "routing")
    assert answer.via == "response_url"
    text = shown(answer)
    assert "Routing: last 30 days" in text and "Everyone" in text
    table = rows(answer)
    assert table["Person"] == HEADER
    assert table["Ana Alvarez"] == ANA
    assert table["Ben Brooks"] == BEN
    assert table["Cara Chen"] == CARA
    assert table["Eve Evans"] == EVE
    assert "*Team enterprise*" in text and "*Team emea*" in text
    assert "Sam Diaz" not in table  # an SDR: not in the AEs' rotation
    assert "Team total" in table  # one per team; the last one drawn is EMEA's
    assert table["Team total"] == ["1", "1", "1.0", "0.0", "0", "0", "0", "0"]


def test_a_manager_sees_their_team_only(bot, sequence):
    maya = ask(bot, f.MAYA, "routing 30d")
    table = rows(maya)
    assert table["Ana Alvarez"] == ANA and table["Cara Chen"] == CARA
    assert table["Team total"] == ENTERPRISE
    assert "Eve Evans" not in table and "emea" not in shown(maya)
    emea = rows(ask(bot, f.MAX, "routing"))
    assert emea["Eve Evans"] == EVE and "Ana Alvarez" not in emea


def test_a_rep_sees_their_own_line_and_a_marketer_is_refused(bot, sequence):
    ben = ask(bot, f.BEN, "routing")
    table = rows(ben)
    assert table["Ben Brooks"] == BEN
    assert set(table) == {"Person", "Ben Brooks"}  # no one else, no total
    refused = shown(ask(bot, f.MIA, "routing"))
    assert "for managers (their team) and admins (everyone)" in refused
    assert "Ana Alvarez" not in refused


def test_the_window_and_bad_input(bot, sequence):
    bot.runtime.clock.advance(days=31)
    later = ask(bot, f.ADA, "routing")
    assert "No lead was routed in this period." in shown(later)
    assert rows(later)["Ana Alvarez"] == ["2", "0", "0", "0.0", "0.0", "0", "0", "0", "0"]
    assert rows(ask(bot, f.ADA, "routing 90d"))["Ana Alvarez"] == ANA
    bad = shown(ask(bot, f.ADA, "routing 12d"))
    assert "`12d` is not a period (7d, 30d, 90d, qtd)" in bad and "/handshake routing" in bad
    too_many = shown(ask(bot, f.ADA, "routing 30d 90d"))
    assert "Usage:" in too_many and "/handshake routing" in too_many
    assert "routing [7d|30d|90d|qtd]" in shown(ask(bot, f.ADA, "help"))
