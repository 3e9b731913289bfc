"""Which AE takes a meeting (pure): the account owner, round robin among the SDR's team's
AEs (away and capacity respected), else the manager; and when an SDR may book."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.meetings import (
    CLOSED,
    DISQUALIFIED,
    NOT_ACCEPTED,
    NOT_SDR_STAGE,
    PENDING_MEETING,
    AeRequest,
    meeting_time_problem,
    route_ae,
    why_not_book,
)
from bot.domain.routing import ACCOUNT, MANAGER_FALLBACK, ROUND_ROBIN
from tests import factories as f
from tests.bot.domain.test_routing import AWAY, FULL, TODAY, people


def ae_request(**kw: Any) -> AeRequest:
    defaults: dict[str, Any] = {
        "team": "enterprise",
        "team_manager": f.MAYA,
        "account_owner": None,
        "cursor": None,
    }
    return AeRequest(**{**defaults, **kw})


CASES = [
    # id, request, people changes, AE, rule, new cursor
    ("first-in-rotation", ae_request(), {}, f.ANA, ROUND_ROBIN, f.ANA),
    ("after-the-cursor", ae_request(cursor=f.ANA), {}, f.BEN, ROUND_ROBIN, f.BEN),
    ("wraps-around", ae_request(cursor=f.CARA), {}, f.ANA, ROUND_ROBIN, f.ANA),
    ("skips-the-away", ae_request(cursor=f.ANA), {"BEN": AWAY}, f.CARA, ROUND_ROBIN, f.CARA),
    ("skips-the-full", ae_request(), {"ANA": FULL}, f.BEN, ROUND_ROBIN, f.BEN),
    ("team-only", ae_request(cursor=f.CARA), {"ANA": AWAY}, f.BEN, ROUND_ROBIN, f.BEN),
    (
        "nobody-left",
        ae_request(),
        {"ANA": AWAY, "BEN": FULL, "CARA": AWAY},
        f.MAYA,
        MANAGER_FALLBACK,
        None,
    ),
    ("account-owner", ae_request(account_owner=f.CARA, cursor=f.ANA), {}, f.CARA, ACCOUNT, f.ANA),
    ("account-in-another-team", ae_request(account_owner=f.EVE), {}, f.EVE, ACCOUNT, None),
    (
        "account-owner-away",
        ae_request(account_owner=f.CARA),
        {"CARA": AWAY},
        f.ANA,
        ROUND_ROBIN,
        f.ANA,
    ),
    ("account-owner-not-an-ae", ae_request(account_owner=f.SAM), {}, f.ANA, ROUND_ROBIN, f.ANA),
    ("account-owner-gone", ae_request(account_owner="U0GONE"), {}, f.ANA, ROUND_ROBIN, f.ANA),
    ("emea-team", ae_request(team="emea", team_manager=f.MAX), {}, f.EVE, ROUND_ROBIN, f.EVE),
]


@pytest.mark.parametrize(
    ("request_", "changes", "ae", "rule", "cursor"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_route_ae(request_, changes, ae, rule, cursor):
    decision = route_ae(request_, people(**changes), TODAY)
    assert (decision.owner, decision.rule, decision.cursor) == (ae, rule, cursor)


def test_why_the_account_owner_was_passed_over_is_noted():
    decision = route_ae(ae_request(account_owner=f.SAM), people(), TODAY)
    assert decision.notes == (f"account owner {f.SAM} is not an AE",)
    away = route_ae(ae_request(account_owner=f.CARA), people(CARA=AWAY), TODAY)
    assert any("is away until" in note for note in away.notes)


BOOKABLE = {
    "first_line": "sdr",
    "owner_role": "sdr",
    "handoff_status": "accepted",
    "first_touch": None,
    "last_meeting_status": None,
}


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({}, None),
        ({"first_touch": "contacted"}, None),
        ({"first_touch": "meeting_booked", "last_meeting_status": "sent_back"}, None),
        ({"first_line": "ae"}, NOT_SDR_STAGE),
        ({"owner_role": "ae"}, NOT_SDR_STAGE),
        ({"owner_role": "manager"}, NOT_SDR_STAGE),
        ({"handoff_status": "pending"}, NOT_ACCEPTED),
        ({"handoff_status": "reassigned"}, NOT_ACCEPTED),
        ({"first_touch": "disqualified"}, DISQUALIFIED),
        ({"last_meeting_status": "pending"}, PENDING_MEETING),
        ({"last_meeting_status": "accepted"}, CLOSED),
        ({"last_meeting_status": "rejected"}, CLOSED),
    ],
)
def test_when_an_sdr_may_book(change, why):
    assert why_not_book(**{**BOOKABLE, **change}) == why


NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "problem"),
    [
        (NOW + timedelta(days=3), None),
        (NOW - timedelta(hours=23), None),  # booked the day after it took place
        (NOW - timedelta(days=1, seconds=1), "more than a day in the past"),
        (NOW + timedelta(days=367), "more than a year away"),
    ],
)
def test_meeting_time(at, problem):
    found = meeting_time_problem(at, NOW)
    assert found is None if problem is None else problem in found
