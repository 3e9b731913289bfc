"""Who gets a lead: the pure rules, then the same rules through intake on a real database."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config import HandshakeConfig, parse_config
from bot.domain.routing import (
    ACCOUNT,
    CRM_OWNER,
    MANAGER_FALLBACK,
    ROUND_ROBIN,
    Rep,
    RouteRequest,
    next_in_rotation,
    route,
)
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.server import seeds
from storage.db import make_engine, unit_of_work
from storage.events import events_of_kind
from storage.handoffs import handoffs_for_lead
from storage.models import Event
from storage.people import set_away, sync_people
from tests import factories as f

TODAY = date(2026, 11, 23)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)

# -- the pure rules ----------------------------------------------------------------------


def rep(slack_id: str, position: int, role: str = "ae", team: str = "enterprise", **kw: Any) -> Rep:
    email = next(p["email"] for p in f.PEOPLE if p["slack_id"] == slack_id)
    return Rep(slack_id, email, role, team, position, **kw)


ROSTER = {
    f.ANA: rep(f.ANA, 0),
    f.BEN: rep(f.BEN, 1),
    f.CARA: rep(f.CARA, 2),
    f.SAM: rep(f.SAM, 3, role="sdr"),
    f.EVE: rep(f.EVE, 4, team="emea"),
    f.MAYA: rep(f.MAYA, 5, role="manager"),
    f.MIA: rep(f.MIA, 6, role="marketer", team=None),
}
AWAY = {"away_until": TODAY}  # away through today: not routed to until tomorrow
FULL = {"capacity_per_day": 2, "assigned_today": 2}


def people(**changes: dict[str, Any]) -> list[Rep]:
    """The roster, with some reps changed (by slack_id), in a scrambled list order."""
    ids = {name: getattr(f, name) for name in ("ANA", "BEN", "CARA", "SAM", "EVE", "MAYA", "MIA")}
    reps = dict(ROSTER)
    for name, change in changes.items():
        reps[ids[name]] = dataclasses.replace(reps[ids[name]], **change)
    return list(reversed(reps.values()))  # roster order comes from `position`, not the list


def request(**kw: Any) -> RouteRequest:
    defaults: dict[str, Any] = {
        "owner_email": None,
        "team": "enterprise",
        "team_manager": f.MAYA,
        "first_line_role": "ae",
        "account_owner": None,
        "cursor": None,
    }
    return RouteRequest(**{**defaults, **kw})


CASES = [
    # id, request, people changes, owner, rule, notes
    ("crm-owner-wins", request(owner_email="cara@example.com", account_owner=f.BEN, cursor=f.ANA),
     {}, f.CARA, CRM_OWNER, []),
    ("crm-owner-any-case", request(owner_email="  Cara@Example.COM "), {}, f.CARA, CRM_OWNER, []),
    ("crm-owner-away-ended", request(owner_email="cara@example.com"),
     {"CARA": {"away_until": YESTERDAY}}, f.CARA, CRM_OWNER, []),
    ("crm-owner-under-capacity", request(owner_email="cara@example.com"),
     {"CARA": {"capacity_per_day": 2, "assigned_today": 1}}, f.CARA, CRM_OWNER, []),
    ("crm-owner-unknown", request(owner_email="nobody@example.com", account_owner=f.BEN),
     {}, f.BEN, ACCOUNT, ["owner_email nobody@example.com names no configured person"]),
    ("crm-owner-away", request(owner_email="cara@example.com", account_owner=f.BEN),
     {"CARA": AWAY}, f.BEN, ACCOUNT, [f"CRM owner {f.CARA} is away until 2026-11-23"]),
    ("crm-owner-at-capacity", request(owner_email="cara@example.com"),
     {"CARA": FULL}, f.ANA, ROUND_ROBIN, [f"CRM owner {f.CARA} is at capacity (2 a day)"]),
    ("crm-owner-excluded", request(owner_email="cara@example.com", exclude=frozenset({f.CARA})),
     {}, f.ANA, ROUND_ROBIN, [f"CRM owner {f.CARA} already held this lead"]),
    ("crm-owner-other-team", request(owner_email="eve@example.com"), {}, f.EVE, CRM_OWNER, []),
    ("account-owner", request(account_owner=f.CARA, cursor=f.ANA), {}, f.CARA, ACCOUNT, []),
    ("account-owner-away", request(account_owner=f.CARA, cursor=f.ANA),
     {"CARA": AWAY}, f.BEN, ROUND_ROBIN, [f"account owner {f.CARA} is away until 2026-11-23"]),
    ("account-owner-gone", request(account_owner="U0GONE0001"), {}, f.ANA, ROUND_ROBIN,
     ["account owner U0GONE0001 is no longer on the roster"]),
    ("crm-owner-is-a-marketer", request(owner_email="mia@example.com"), {}, f.ANA, ROUND_ROBIN,
     ["owner_email mia@example.com names a marketer, not a rep"]),
    ("rr-first", request(), {}, f.ANA, ROUND_ROBIN, []),
    ("rr-next", request(cursor=f.ANA), {}, f.BEN, ROUND_ROBIN, []),
    ("rr-wraps", request(cursor=f.CARA), {}, f.ANA, ROUND_ROBIN, []),
    ("rr-unknown-cursor", request(cursor=f.EVE), {}, f.ANA, ROUND_ROBIN, []),
    ("rr-skips-away", request(cursor=f.ANA), {"BEN": AWAY}, f.CARA, ROUND_ROBIN, []),
    ("rr-skips-full", request(cursor=f.ANA), {"BEN": FULL}, f.CARA, ROUND_ROBIN, []),
    ("rr-skips-excluded", request(cursor=f.ANA, exclude=frozenset({f.BEN})),
     {}, f.CARA, ROUND_ROBIN, []),
    ("rr-skips-and-wraps", request(cursor=f.BEN), {"CARA": AWAY}, f.ANA, ROUND_ROBIN, []),
    ("rr-back-to-cursor", request(cursor=f.ANA), {"BEN": AWAY, "CARA": FULL},
     f.ANA, ROUND_ROBIN, []),
    ("rr-other-team", request(team="emea", team_manager=f.MAX), {}, f.EVE, ROUND_ROBIN, []),
    ("sdr-first-line", request(first_line_role="sdr", cursor=f.ANA), {}, f.SAM, ROUND_ROBIN, []),
    ("nobody-eligible", request(cursor=f.BEN),
     {"ANA": AWAY, "BEN": FULL, "CARA": AWAY}, f.MAYA, MANAGER_FALLBACK,
     ["no eligible ae in team enterprise"]),
    ("all-excluded", request(exclude=frozenset({f.ANA, f.BEN, f.CARA})),
     {}, f.MAYA, MANAGER_FALLBACK, ["no eligible ae in team enterprise"]),
    ("sdr-away", request(first_line_role="sdr"), {"SAM": AWAY}, f.MAYA, MANAGER_FALLBACK,
     ["no eligible sdr in team enterprise"]),
    ("team-without-reps", request(team="apac", team_manager=f.MAX), {}, f.MAX, MANAGER_FALLBACK,
     ["no eligible ae in team apac"]),
    ("every-rule-falls-through", request(owner_email="ana@example.com", account_owner=f.BEN),
     {"ANA": AWAY, "BEN": AWAY, "CARA": AWAY}, f.MAYA, MANAGER_FALLBACK,
     [f"CRM owner {f.ANA} is away until 2026-11-23",
      f"account owner {f.BEN} is away until 2026-11-23",
      "no eligible ae in team enterprise"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("req", "changes", "owner", "rule", "notes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_route(req, changes, owner, rule, notes):
    decision = route(req, people(**changes), TODAY)
    assert (decision.owner, decision.rule) == (owner, rule)
    assert list(decision.notes) == notes


def test_only_round_robin_moves_the_cursor():
    assert route(request(cursor=f.ANA), people(), TODAY).cursor == f.BEN
    assert route(request(cursor=f.ANA, account_owner=f.CARA), people(), TODAY).cursor == f.ANA
    crm = request(cursor=f.ANA, owner_email="cara@example.com")
    assert route(crm, people(), TODAY).cursor == f.ANA
    fallback = route(request(cursor=f.BEN), people(ANA=AWAY, BEN=AWAY, CARA=AWAY), TODAY)
    assert fallback.cursor == f.BEN


def test_decision_team_is_the_owners_team():
    crm = route(request(owner_email="eve@example.com"), people(), TODAY)
    assert crm.team == "emea"
    assert route(request(), people(), TODAY).team == "enterprise"
    fallback = route(request(), people(ANA=AWAY, BEN=AWAY, CARA=AWAY), TODAY)
    assert fallback.team == "enterprise"


ROTATION = [ROSTER[f.ANA], ROSTER[f.BEN], ROSTER[f.CARA]]


@pytest.mark.parametrize(
    ("rotation", "cursor", "exclude", "expected"),
    [
        ([], None, set(), None),
        (ROTATION, None, set(), f.ANA),
        (ROTATION, f.ANA, set(), f.BEN),
        (ROTATION, f.BEN, set(), f.CARA),
        (ROTATION, f.CARA, set(), f.ANA),
        (ROTATION, "U0GONE0001", set(), f.ANA),
        (ROTATION, f.ANA, {f.BEN}, f.CARA),
        (ROTATION, f.ANA, {f.BEN, f.CARA}, f.ANA),
        (ROTATION, f.ANA, {f.ANA, f.BEN, f.CARA}, None),
        ([ROSTER[f.ANA]], f.ANA, set(), f.ANA),
    ],
)
def test_next_in_rotation(rotation, cursor, exclude, expected):
    chosen = next_in_rotation(rotation, cursor, frozenset(exclude), TODAY)
    assert (chosen.slack_id if chosen else None) == expected


def test_next_in_rotation_skips_the_unavailable():
    rotation = [
        dataclasses.replace(ROSTER[f.ANA], away_until=TODAY),
        dataclasses.replace(ROSTER[f.BEN], capacity_per_day=1, assigned_today=1),
        ROSTER[f.CARA],
    ]
    assert next_in_rotation(rotation, None, frozenset(), TODAY) is rotation[2]
    assert next_in_rotation(rotation, None, frozenset(), TODAY + timedelta(days=1)) is rotation[0]
    everyone_out = [dataclasses.replace(r, away_until=TOMORROW) for r in ROTATION]
    assert next_in_rotation(everyone_out, f.ANA, frozenset(), TODAY) is None


# -- through intake, on SQLite and PostgreSQL -----------------------------------------------


def route_lead(
    runtime: Runtime,
    *,
    engine: Engine | None = None,
    config: HandshakeConfig | None = None,
    **overrides: Any,
) -> tuple[str, Event]:
    """Ingest one qualifying lead; return its owner and its `routed` event."""
    lead_input, errors = validate_lead(f.lead_body(**overrides))
    assert not errors, errors
    engine = engine or runtime.engine
    bundle = Runtime(engine=engine, config=config or runtime.config, clock=runtime.clock)
    result = ingest(lead_input, runtime=bundle)
    assert result.http_status == 202 and result.body["status"] == "routed", result.body
    lead_id = result.body["id"]
    with unit_of_work(engine) as session:
        event = [e for e in events_of_kind("routed", session=session) if e.lead_id == lead_id][-1]
        handoff = handoffs_for_lead(lead_id, session=session)[-1]
    assert event.data is not None
    assert event.handoff_id == handoff.id
    assert (event.data["owner"], event.data["rule"]) == (handoff.owner_id, handoff.rule)
    assert result.body["owner"] == handoff.owner_id
    return handoff.owner_id, event


def owners(runtime: Runtime, n: int, **overrides: Any) -> list[str]:
    return [route_lead(runtime, **overrides)[0] for _ in range(n)]


def test_round_robin_in_roster_order(runtime):
    assert owners(runtime, 4) == [f.ANA, f.BEN, f.CARA, f.ANA]
    with unit_of_work(runtime.engine) as session:
        rules = {e.data["rule"] for e in events_of_kind("routed", session=session)}
    assert rules == {ROUND_ROBIN}


def test_rotation_survives_a_restart(runtime, engine, backend, tmp_path):
    assert owners(runtime, 2) == [f.ANA, f.BEN]
    url = (
        f"sqlite:///{tmp_path / 'handshake.db'}"
        if backend == "sqlite"
        else engine.url.render_as_string(hide_password=False)
    )
    engine.dispose()
    restarted = make_engine(url)
    try:
        owner, event = route_lead(runtime, engine=restarted)
        assert owner == f.CARA and event.data["rule"] == ROUND_ROBIN
        assert route_lead(runtime, engine=restarted)[0] == f.ANA
    finally:
        restarted.dispose()


def test_country_picks_the_team(runtime):
    owner, event = route_lead(runtime, country="DE")
    assert owner == f.EVE
    assert event.data["team"] == "emea" and event.data["rule"] == ROUND_ROBIN
    assert route_lead(runtime, country="fr")[0] == f.EVE  # any case
    # EMEA's rotation does not move enterprise's.
    assert owners(runtime, 2, country="US") == [f.ANA, f.BEN]


def test_unmapped_country_goes_to_the_first_team(runtime):
    owner, event = route_lead(runtime, country="Japan")
    assert owner == f.ANA and event.data["team"] == "enterprise"


def test_same_company_goes_to_the_account_owner(runtime):
    first, _ = route_lead(runtime, company_domain="globex.example")
    assert first == f.ANA
    second, event = route_lead(runtime, company_domain="Globex.Example")
    assert second == f.ANA
    assert event.data["rule"] == ACCOUNT
    # Another company still takes the next turn of the rotation.
    assert route_lead(runtime)[0] == f.BEN


def test_owner_email_routes_to_that_person(runtime):
    owner, event = route_lead(runtime, owner_email="Cara@Example.com")
    assert owner == f.CARA
    assert event.data["rule"] == CRM_OWNER and event.data["notes"] == []
    assert route_lead(runtime)[0] == f.ANA  # the rotation did not move


def test_owner_email_of_nobody_falls_through_with_a_note(runtime):
    owner, event = route_lead(runtime, owner_email="stranger@example.com")
    assert owner == f.ANA and event.data["rule"] == ROUND_ROBIN
    assert event.data["notes"] == ["owner_email stranger@example.com names no configured person"]


def test_owner_email_of_someone_away_falls_through_with_a_note(runtime):
    with unit_of_work(runtime.engine) as session:
        set_away(f.CARA, date(2026, 12, 1), session=session)
    owner, event = route_lead(runtime, owner_email="cara@example.com")
    assert owner == f.ANA and event.data["rule"] == ROUND_ROBIN
    assert event.data["notes"] == [f"CRM owner {f.CARA} is away until 2026-12-01"]


def test_away_rep_is_skipped_by_the_rotation(runtime):
    with unit_of_work(runtime.engine) as session:
        set_away(f.BEN, f.START.date(), session=session)
    assert owners(runtime, 3) == [f.ANA, f.CARA, f.ANA]
    runtime.clock.advance(days=1)  # away *until* today: back tomorrow
    assert route_lead(runtime)[0] == f.BEN  # back where the rotation stands, no backlog


def test_sdr_first_line(runtime):
    config = parse_config(f.config_data(routing={"first_line": "sdr"}))
    owner, event = route_lead(runtime, config=config)
    assert owner == f.SAM and event.data["rule"] == ROUND_ROBIN
    assert route_lead(runtime, config=config)[0] == f.SAM  # the only SDR


def test_everyone_away_goes_to_the_manager(runtime):
    with unit_of_work(runtime.engine) as session:
        for slack_id in (f.ANA, f.BEN, f.CARA):
            set_away(slack_id, date(2026, 12, 31), session=session)
    owner, event = route_lead(runtime)
    assert owner == f.MAYA
    assert event.data["rule"] == MANAGER_FALLBACK
    assert "no eligible ae in team enterprise" in event.data["notes"]


def with_capacity(runtime: Runtime, capacity: dict[str, int]) -> HandshakeConfig:
    """Reload the roster from a config that caps these people's new hand-offs a day."""
    people = [
        {**p, "capacity_per_day": capacity[p["slack_id"]]} if p["slack_id"] in capacity else p
        for p in f.PEOPLE
    ]
    config = parse_config(f.config_data(people=people))
    with unit_of_work(runtime.engine) as session:
        sync_people(seeds(config), session=session)
    return config


def test_capacity_sends_the_second_lead_of_the_day_to_the_next_rep(runtime):
    config = with_capacity(runtime, {f.ANA: 1})
    first, _ = route_lead(runtime, config=config, owner_email="ana@example.com")
    assert first == f.ANA
    second, event = route_lead(runtime, config=config, owner_email="ana@example.com")
    assert second == f.BEN and event.data["rule"] == ROUND_ROBIN  # Ana skipped by the rotation
    assert event.data["notes"] == [f"CRM owner {f.ANA} is at capacity (1 a day)"]
    runtime.clock.advance(days=1)
    assert route_lead(runtime, config=config, owner_email="ana@example.com")[0] == f.ANA


def test_capacity_for_everyone_then_the_manager(runtime):
    config = with_capacity(runtime, {f.ANA: 1, f.BEN: 1, f.CARA: 1})
    assert owners(runtime, 4, config=config) == [f.ANA, f.BEN, f.CARA, f.MAYA]
    runtime.clock.advance(days=1)
    assert owners(runtime, 2, config=config) == [f.ANA, f.BEN]
