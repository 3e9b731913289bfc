"""The `qualification` block and `sla.meeting`: defaults, overrides, and each problem
named at its key path."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ConfigError, parse_config
from tests import factories as f


def test_without_a_block_the_three_agreed_questions_are_in_force():
    config = parse_config(f.config_data())
    assert [c.code for c in config.qualification.criteria] == ["VALUE", "PROFIT", "COMPETE"]
    assert config.qualification.criterion("PROFIT").question == "Can we deliver with profit?"
    assert config.qualification.version == "default"
    assert config.sla.meeting.decide_within == timedelta(hours=24)
    assert config.sla.meeting.escalate_after == timedelta(hours=48)


def test_a_team_s_own_criteria_and_clock_replace_the_defaults():
    data = f.config_data(
        qualification={
            "version": "2026-11",
            "criteria": [
                {"code": "BUDGET", "question": "Is there budget this year?"},
                {"code": "CHAMPION", "question": "Is there a champion?"},
            ],
        }
    )
    data["sla"] = {**data["sla"], "meeting": {"decide_within": "4h"}}
    config = parse_config(data)
    assert [c.code for c in config.qualification.criteria] == ["BUDGET", "CHAMPION"]
    assert config.qualification.version == "2026-11"
    assert config.qualification.criterion("VALUE") is None
    assert config.sla.meeting.decide_within == timedelta(hours=4)
    assert config.sla.meeting.escalate_after == timedelta(hours=8)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"criteria": []}, "qualification.criteria: "),
        (
            {"criteria": [{"code": "A", "question": "Q?"}, {"code": "A", "question": "R?"}]},
            'qualification.criteria[1].code: "A" is already used by criteria[0]',
        ),
        (
            {"criteria": [{"code": "no spaces", "question": "Q?"}]},
            'qualification.criteria[0].code: "no spaces" is not a criterion code',
        ),
        ({"criteria": [{"code": "A"}]}, "qualification.criteria[0].question: "),
        (
            {"criteria": [{"code": f"C{i}", "question": "Q?"} for i in range(11)]},
            "qualification.criteria: ",
        ),
        ({"criteria": [{"code": "A", "question": "Q?", "weight": 2}]}, "weight"),
    ],
)
def test_a_bad_block_is_refused_at_its_key(block, expected):
    with pytest.raises(ConfigError) as caught:
        parse_config(f.config_data(qualification=block))
    assert any(expected in line for line in caught.value.problems), caught.value.problems


def test_an_escalation_before_the_nudge_is_refused():
    data = f.config_data()
    data["sla"] = {**data["sla"], "meeting": {"decide_within": "1d", "escalate_after": "2h"}}
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert caught.value.problems == [
        "sla.meeting.escalate_after: 2h is shorter than decide_within (1d)"
    ], caught.value.problems
