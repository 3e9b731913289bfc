"""Rules on values in `contract.require` (issue 14 §4): a table of leads against rules,
and a table of rules check-config refuses."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import ConfigError, ContractConfig, parse_config
from bot.domain.qualify import qualify
from tests import factories as f


def contract(*require: Any) -> ContractConfig:
    data = f.config_data(contract={**f.CONFIG["contract"], "require": list(require)})
    return parse_config(data).contract


MIN_200 = {"employees": {"min": 200}}
MAX_500 = {"employees": {"max": 500}}
BAND = {"employees": {"min": 200, "max": 500}}
COUNTRIES = {"country": {"in": ["US", "CA", "GB"]}}
NOT_EDU = {"industry": {"not_in": ["Education"]}}
SCORE_MIN = {"score": {"min": 70}}  # above min_score (60): a rule on the score itself


@pytest.mark.parametrize(
    ("rules", "lead", "reason"),
    [
        ([MIN_200], {"employees": 200}, None),  # the bound itself passes
        ([MIN_200], {"employees": 5000}, None),
        ([MIN_200], {"employees": 120}, "employees 120 < 200"),
        ([MIN_200], {"employees": 199.5}, "employees 199.5 < 200"),
        ([MIN_200], {}, "missing required employees"),  # missing fails a value rule
        ([MIN_200], {"employees": None}, "missing required employees"),
        ([MIN_200], {"employees": "lots"}, "employees lots is not a number"),
        ([MIN_200], {"employees": "250"}, None),  # a numeric string counts as its number
        ([MAX_500], {"employees": 500}, None),
        ([MAX_500], {"employees": 501}, "employees 501 > 500"),
        ([BAND], {"employees": 300}, None),
        ([BAND], {"employees": 100}, "employees 100 < 200"),
        ([BAND], {"employees": 900}, "employees 900 > 500"),
        ([COUNTRIES], {"country": "US"}, None),
        ([COUNTRIES], {"country": "gb"}, None),  # any case
        ([COUNTRIES], {"country": " ca "}, None),  # surrounding spaces ignored
        ([COUNTRIES], {"country": "FR"}, "country FR not in US, CA, GB"),
        ([COUNTRIES], {"country": ""}, "missing required country"),
        ([NOT_EDU], {"industry": "Software"}, None),
        ([NOT_EDU], {"industry": "education"}, "industry education is excluded"),
        ([NOT_EDU], {}, "missing required industry"),
        ([SCORE_MIN], {"score": 65}, "score 65 < 70"),
        ([SCORE_MIN], {"score": 70}, None),
        (["company", MIN_200], {"company": "Acme", "employees": 300}, None),
        (  # every failure named: the missing fields first, then each broken rule
            ["company", MIN_200, COUNTRIES, NOT_EDU],
            {"employees": 10, "country": "FR", "industry": "Education"},
            "missing required company; employees 10 < 200; country FR not in US, CA, GB; "
            "industry Education is excluded",
        ),
    ],
)
def test_value_rules(rules: list[Any], lead: dict[str, Any], reason: str | None) -> None:
    lead = {"score": 90, **lead}
    verdict = qualify(lead, contract(*rules))
    if reason is None:
        assert verdict.qualified, verdict.reason
        assert verdict.reason == f"score {lead['score']} ≥ 60"
    else:
        assert not verdict.qualified
        assert verdict.reason == reason


def test_a_broken_value_rule_beats_a_qualifying_signal() -> None:
    demo = {"type": "demo_request", "detail": "form"}
    verdict = qualify({"score": 90, "employees": 50, "activities": [demo]}, contract(MIN_200))
    assert not verdict.qualified
    assert verdict.reason == "employees 50 < 200"
    assert verdict.signals == ("Requested a demo",)


def test_in_compares_numbers_written_in_yaml_as_text() -> None:
    rules = contract({"employees": {"min": 1}}, {"company": {"in": [3, "Acme"]}})
    assert rules.require[1].in_ == ["3", "Acme"]
    assert qualify({"score": 90, "employees": 5, "company": "3"}, rules).qualified


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ({"employes": {"min": 200}}, 'contract.require[0]: "employes" is not a lead field'),
        ({"employees": {"min": 500, "max": 200}}, "contract.require[0].min: 500 is above max"),
        ({"country": {"in": []}}, "contract.require[0].in"),
        ({"industry": {"not_in": []}}, "contract.require[0].not_in"),
        ({"country": {"min": 3}}, "contract.require[0].min: country is not a number"),
        ({"employees": {"in": ["1"]}}, "contract.require[0].in: in and not_in apply to text"),
        ({"employees": {"above": 3}}, "contract.require[0].above"),
        ({"employees": 200}, "contract.require[0]: write a rule as employees: {min: 200}"),
        ({"employees": {"min": 1}, "country": {"in": ["US"]}}, "contract.require[0]: one field"),
        ("employes", 'contract.require[0]: "employes" is not a lead field'),
    ],
)
def test_check_config_refuses_bad_rules(rule: Any, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        contract(rule)
    assert any(line.startswith(problem) for line in caught.value.problems), caught.value.problems


def test_describe_reads_like_the_config() -> None:
    rules = contract("email", BAND, COUNTRIES, NOT_EDU).require
    assert [r.describe() for r in rules] == [
        "email",
        "employees ≥ 200 ≤ 500",
        "country in US, CA, GB",
        "industry not in Education",
    ]
