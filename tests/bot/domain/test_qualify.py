"""The qualification contract, applied to plain lead mappings (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import ContractConfig, parse_config
from bot.domain.qualify import qualify
from tests import factories as f

PRICING, LONG_SESSION, DEMO = "Visited pricing", "15+ minutes on site", "Requested a demo"


def contract(**changes: Any) -> ContractConfig:
    return parse_config(f.config_data(contract={**f.CONFIG["contract"], **changes})).contract


CONTRACT = contract()


def page_view(detail: str = "/pricing", **extra: Any) -> dict[str, Any]:
    return {"type": "page_view", "detail": detail, **extra}


def session(seconds: Any) -> dict[str, Any]:
    return {"type": "session", "detail": "site visit", "duration_s": seconds}


DEMO_REQUEST = {"type": "demo_request", "detail": "form"}


@pytest.mark.parametrize(
    ("lead", "qualified", "signals"),
    [
        ({"score": 60}, True, ()),
        ({"score": 60.0}, True, ()),
        ({"score": 59.9}, False, ()),
        ({"score": 1000}, True, ()),
        ({}, False, ()),  # missing score counts as 0
        ({"score": None}, False, ()),
        ({"score": 0}, False, ()),
        ({"score": "75"}, True, ()),  # numeric text, as intake accepts it
    ],
    ids=["60", "60.0", "59.9", "1000", "missing", "None", "0", "numeric-text"],
)
def test_min_score_boundary(lead, qualified, signals):
    verdict = qualify(lead, CONTRACT)
    assert verdict.qualified is qualified
    assert verdict.signals == signals


def test_reason_for_score_either_side_of_the_line():
    assert qualify({"score": 60}, CONTRACT).reason == "score 60 ≥ 60"
    assert qualify({"score": 59.9}, CONTRACT).reason == (
        "score 59.9 below 60 and no qualifying signal"
    )
    assert qualify({}, CONTRACT).reason == "score 0 below 60 and no qualifying signal"


@pytest.mark.parametrize(
    ("activities", "signals"),
    [
        ([page_view("/pricing")], (PRICING,)),
        ([page_view("/PRICING/enterprise")], (PRICING,)),  # detail match ignores case
        ([page_view("https://acme.example/Pricing?plan=pro")], (PRICING,)),
        ([{"type": "Page_View", "detail": "/pricing"}], (PRICING,)),  # so does the type
        ([page_view("/docs")], ()),
        ([page_view(None)], ()),
        ([{"type": "page_view"}], ()),  # no detail at all
        ([{"type": "click", "detail": "/pricing"}], ()),  # right detail, wrong type
        ([session(900)], (LONG_SESSION,)),
        ([session(900.0)], (LONG_SESSION,)),
        ([session(5000)], (LONG_SESSION,)),
        ([session(899)], ()),
        ([session(899.99)], ()),
        ([{"type": "session", "detail": "x"}], ()),  # no duration
        ([DEMO_REQUEST], (DEMO,)),
        ([page_view(), session(1300), DEMO_REQUEST], (PRICING, LONG_SESSION, DEMO)),
        ([DEMO_REQUEST, session(1300), page_view()], (PRICING, LONG_SESSION, DEMO)),  # config order
        ([page_view(), page_view("/pricing/faq")], (PRICING,)),  # each signal named once
        ([], ()),
    ],
)
def test_signals_matched(activities, signals):
    assert qualify({"score": 0, "activities": activities}, CONTRACT).signals == signals


@pytest.mark.parametrize(
    ("activities", "qualified", "reason"),
    [
        ([DEMO_REQUEST], True, f"qualifying signal: {DEMO}"),
        ([page_view()], False, "score 0 below 60 and no qualifying signal"),
        ([session(1300)], False, "score 0 below 60 and no qualifying signal"),
        ([page_view(), session(1300)], False, "score 0 below 60 and no qualifying signal"),
    ],
    ids=["demo-request", "pricing-only", "long-session-only", "both-non-qualifying"],
)
def test_only_a_qualifying_signal_qualifies_on_its_own(activities, qualified, reason):
    verdict = qualify({"activities": activities}, CONTRACT)  # no score: counts as 0
    assert verdict.qualified is qualified
    assert verdict.reason == reason


@pytest.mark.parametrize("score", [0, 10, 59.9, 60, 99])
def test_demo_request_qualifies_whatever_the_score(score):
    verdict = qualify({"score": score, "activities": [DEMO_REQUEST]}, CONTRACT)
    assert verdict.qualified
    assert verdict.reason == f"qualifying signal: {DEMO}"


def test_signals_are_listed_when_the_lead_qualified_on_score():
    verdict = qualify({"score": 75, "activities": [page_view(), session(1300)]}, CONTRACT)
    assert verdict.qualified
    assert verdict.signals == (PRICING, LONG_SESSION)
    assert verdict.reason == "score 75 ≥ 60"


def test_signals_are_listed_when_the_lead_stays_in_nurture():
    verdict = qualify({"score": 10, "activities": [page_view()]}, CONTRACT)
    assert not verdict.qualified
    assert verdict.signals == (PRICING,)


def test_contract_without_signals_goes_by_score_alone():
    bare = contract(signals=[])
    assert qualify({"score": 10, "activities": [DEMO_REQUEST]}, bare).qualified is False
    assert qualify({"score": 60, "activities": [DEMO_REQUEST]}, bare).signals == ()


REQUIRING = contract(require=["company", "title", "activities"])
FULL = {"score": 90, "company": "Acme", "title": "CTO", "activities": [page_view()]}


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"company": None}, ["company"]),
        ({"company": ""}, ["company"]),
        ({"title": None, "company": None}, ["company", "title"]),  # in `require` order
        ({"activities": []}, ["activities"]),
        ({"activities": None, "company": ""}, ["company", "activities"]),
    ],
    ids=["complete", "company-None", "company-empty", "two-missing", "empty-list", "mixed"],
)
def test_required_fields(changes, missing):
    verdict = qualify({**FULL, **changes}, REQUIRING)
    assert verdict.qualified is (not missing)
    if missing:
        assert verdict.reason == "missing required " + ", ".join(missing)
        for name in missing:
            assert name in verdict.reason


def test_missing_required_field_beats_a_qualifying_signal():
    lead = {"score": 100, "title": "CTO", "activities": [DEMO_REQUEST]}
    verdict = qualify(lead, REQUIRING)
    assert not verdict.qualified
    assert verdict.reason == "missing required company"
    assert verdict.signals == (DEMO,)  # still reported


def test_a_required_key_absent_from_the_mapping_counts_as_missing():
    verdict = qualify({"score": 90}, contract(require=["country"]))
    assert not verdict.qualified and "country" in verdict.reason


@pytest.mark.parametrize(
    "activities",
    [
        None,
        "page_view /pricing",  # not a list: a string iterates as characters
        {"type": "demo_request"},  # a single mapping, not a list of them
        [None, 42, "demo_request", ["demo_request"], ("demo_request",)],
        [{}],
        [{"detail": "/pricing"}],  # no type
        [{"type": None, "detail": "/pricing"}],
        [{"type": 7, "detail": "/pricing"}],
        [{"type": "session", "duration_s": "1300"}],  # text, not a number
        [{"type": "session", "duration_s": None}],
        [{"type": "session", "duration_s": [1300]}],
        [{"type": "page_view", "detail": 12345}],  # detail that is not text
    ],
    ids=[
        "None",
        "string",
        "mapping",
        "non-dicts",
        "empty-dict",
        "no-type",
        "type-None",
        "type-int",
        "duration-string",
        "duration-None",
        "duration-list",
        "detail-int",
    ],
)
def test_bad_activity_shapes_are_ignored(activities):
    verdict = qualify({"score": 10, "activities": activities}, CONTRACT)
    assert verdict.qualified is False
    assert verdict.signals == ()


def test_bad_activities_do_not_hide_good_ones():
    activities = [None, "x", {"type": "session", "duration_s": "1300"}, {}, DEMO_REQUEST]
    verdict = qualify({"activities": activities}, CONTRACT)
    assert verdict.qualified and verdict.signals == (DEMO,)


def test_qualification_is_frozen():
    verdict = qualify({"score": 75}, CONTRACT)
    with pytest.raises(AttributeError):
        verdict.qualified = False  # type: ignore[misc]
