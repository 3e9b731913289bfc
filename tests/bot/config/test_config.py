import copy
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from bot.config import (
    ROLES,
    ConfigError,
    HandshakeConfig,
    load_config,
    parse_config,
)
from bot.config.reasons import DEFAULT_HANDBACK_REASONS, DEFAULT_REJECT_REASONS

EXAMPLE = Path(__file__).resolve().parents[3] / "handshake.example.yml"
DELETE = object()

BASE = {
    "handoff_channel": "C0HANDOFF1",
    "people": [
        {"slack_id": "U0MGR0001", "name": "Dana", "email": "dana@example.com",
         "role": "manager", "team": "enterprise"},
        {"slack_id": "U0AE00001", "name": "Ana", "email": "ana@example.com",
         "role": "ae", "team": "enterprise"},
        {"slack_id": "U0SDR0001", "name": "Chloe", "email": "chloe@example.com",
         "role": "sdr", "team": "enterprise"},
        {"slack_id": "U0MGR0002", "name": "Lars", "email": "lars@example.com",
         "role": "manager", "team": "emea"},
        {"slack_id": "U0AE00002", "name": "Sophie", "email": "sophie@example.com",
         "role": "ae", "team": "emea"},
        {"slack_id": "U0MKT0001", "name": "Marco", "email": "marco@example.com",
         "role": "marketer"},
        {"slack_id": "W0ADM0001", "name": "Priya", "email": "priya@example.com", "role": "admin"},
    ],
    "teams": [
        {"name": "enterprise", "manager": "U0MGR0001", "countries": ["US", "Canada"]},
        {"name": "emea", "manager": "U0MGR0002", "countries": ["GB", "DE"]},
    ],
    "contract": {"version": "2026-11", "min_score": 60},
}  # fmt: skip


def commented_block(key: str) -> dict:
    """The block handshake.example.yml documents commented out under `# key:`, up to the
    next blank line, uncommented and parsed."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text[text.index(f"# {key}:") :].split("\n\n", 1)[0]
    lines = (line.removeprefix("#").removeprefix(" ") for line in block.splitlines())
    return yaml.safe_load("\n".join(lines))


def config_with(*changes: tuple[str, object]) -> dict:
    """BASE with values set (or DELETE'd) at key paths like "people[1].team"."""
    data = copy.deepcopy(BASE)
    for path, value in changes:
        parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
        parent = data
        for i, part in enumerate(parts[:-1]):
            if isinstance(parent, dict) and part not in parent:
                parent[part] = [] if isinstance(parts[i + 1], int) else {}
            parent = parent[part]
        if value is DELETE:
            del parent[parts[-1]]
        else:
            parent[parts[-1]] = value
    return data


def problems_of(data: object) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def paths(problems: list[str]) -> set[str]:
    return {line.split(": ", 1)[0] for line in problems}


def test_base_config_is_valid():
    config = parse_config(BASE)
    assert config.handoff_channel == "C0HANDOFF1"
    assert config.timezone == "UTC"
    assert config.business_hours is None
    assert config.routing.first_line == "ae"
    assert config.sla.respond_within == timedelta(hours=4)
    assert config.sla.escalate_after == timedelta(hours=8)
    assert config.sla.reassign_after == timedelta(hours=24)
    assert config.sla.follow_up_within == timedelta(days=2)
    assert config.sla.follow_up_escalate_after == timedelta(days=4)
    assert config.sla.tiers == []
    assert tuple(config.reasons.reject) == DEFAULT_REJECT_REASONS
    assert tuple(config.reasons.handback) == DEFAULT_HANDBACK_REASONS
    assert config.contract.require == []
    assert config.contract.signals == []


# (key path to change, new value, key path of the expected problem, fragment of its message)
PROBLEMS = [
    # unknown keys, with a suggestion when one is close
    ("handoff_chanel", "C0X", "handoff_chanel", 'unknown key (did you mean "handoff_channel"?)'),
    ("people[1].rol", "ae", "people[1].rol", 'unknown key (did you mean "role"?)'),
    ("teams[0].countrys", ["US"], "teams[0].countrys", 'did you mean "countries"'),
    ("sla.respond_witin", "4h", "sla.respond_witin", "unknown key"),
    ("contract.signals", [{"name": "x", "activity": "y", "zzz": 1}], "contract.signals[0].zzz",
     "unknown key; expected one of: name, activity, detail_contains"),
    ("reasons.reject", [{"code": "A", "label": "a", "lable": "b"}], "reasons.reject[0].lable",
     'did you mean "label"'),
    ("routing.first", "ae", "routing.first", "unknown key"),
    # missing or empty
    ("contract", DELETE, "contract", "required key is missing"),
    ("handoff_channel", DELETE, "handoff_channel", "required key is missing"),
    ("people[1].name", DELETE, "people[1].name", "required key is missing"),
    ("people[1].name", "  ", "people[1].name", "must not be empty"),
    ("people", [], "people", "needs at least one entry"),
    ("teams", [], "teams", "needs at least one entry"),
    ("people", "ana", "people", "should be a list"),
    ("people[1]", "ana", "people[1]", "should be a mapping"),
    # Slack IDs, emails, time zones
    ("handoff_channel", "#handoffs", "handoff_channel", "not a Slack channel ID"),
    ("people[1].slack_id", "ana", "people[1].slack_id", "not a Slack user ID"),
    ("teams[0].manager", "dana", "teams[0].manager", "not a Slack user ID"),
    ("people[1].email", "ana-at-example.com", "people[1].email", "not an email address"),
    ("timezone", "Mars/Olympus", "timezone", '"Mars/Olympus" is not an IANA time zone'),
    ("people[1].timezone", "Europe/Springfield", "people[1].timezone", "not an IANA time zone"),
    # people
    ("people[1].role", "rep", "people[1].role", '"rep" is not allowed; expected \'ae\''),
    ("people[1].team", DELETE, "people[1].team", "required for role ae"),
    ("people[2].team", DELETE, "people[2].team", "required for role sdr"),
    ("people[0].team", DELETE, "people[0].team", "required for role manager"),
    ("people[1].team", "enterprize", "people[1].team",
     '"enterprize" is not a configured team (did you mean "enterprise"?)'),
    ("people[5].team", "marketing", "people[5].team", "not a configured team"),
    ("people[2].slack_id", "U0AE00001", "people[2].slack_id", "already used by people[1]"),
    ("people[2].email", "ANA@example.com", "people[2].email", "already used by people[1]"),
    ("people[1].capacity_per_day", 0, "people[1].capacity_per_day",
     "greater than or equal to 1"),
    ("people[1].away_until", "soon", "people[1].away_until", "is not a date; expected YYYY-MM-DD"),
    # teams
    ("teams[0].manager", "U0NOPE", "teams[0].manager", "U0NOPE is not a configured person"),
    ("teams[0].manager", "U0AE00001", "teams[0].manager",
     "U0AE00001 (Ana) has role ae; a team's manager must have role manager or admin"),
    ("teams[1].name", "enterprise", "teams[1].name", '"enterprise" is already used by teams[0]'),
    ("teams[1].countries", ["us"], "teams[1].countries[0]",
     '"us" is already mapped to team enterprise'),
    ("teams[1].countries", ["GB", False], "teams[1].countries[1]", "put it in quotes"),
    # contract
    ("contract.min_score", 1001, "contract.min_score", "less than or equal to 1000"),
    ("contract.min_score", "sixty", "contract.min_score", "should be a valid number"),
    ("contract.require", ["email", "emial"], "contract.require[1]",
     '"emial" is not a lead field (did you mean "email"?)'),
    ("contract.signals", [{"name": "a", "activity": "x"}, {"name": "a", "activity": "y"}],
     "contract.signals[1].name", '"a" is already used by signals[0]'),
    ("contract.signals", [{"name": "a"}], "contract.signals[0].activity", "missing"),
    ("contract.signals", [{"name": "a", "activity": "s", "min_duration_s": -1}],
     "contract.signals[0].min_duration_s", "greater than or equal to 0"),
    # sla
    ("sla.respond_within", "4x", "sla.respond_within",
     '"4x" is not a duration like 30s, 15m, 4h, 2d'),
    ("sla.follow_up_within", "0s", "sla.follow_up_within", "is zero"),
    ("sla.escalate_after", "1h", "sla.escalate_after", "1h is shorter than respond_within (4h)"),
    ("sla.reassign_after", "6h", "sla.reassign_after", "6h is shorter than escalate_after (8h)"),
    ("sla.follow_up_escalate_after", "1d", "sla.follow_up_escalate_after",
     "1d is shorter than follow_up_within (2d); expected follow_up_within <= follow_up_escalate"),
    ("sla.follow_up_escalate_after", "soon", "sla.follow_up_escalate_after", "not a duration"),
    # sla tiers
    ("sla.tiers", "hot", "sla.tiers", "should be a list"),
    ("sla.tiers", [{"name": "hot"}], "sla.tiers[0].when", "required key is missing"),
    ("sla.tiers", [{"when": {"min_score": 90}}], "sla.tiers[0].name", "required key is missing"),
    ("sla.tiers", [{"name": "hot", "when": {}}], "sla.tiers[0].when",
     "needs at least one condition: min_score, campaign or activity"),
    ("sla.tiers", [{"name": "hot", "when": {"activty": "demo_request"}}],
     "sla.tiers[0].when.activty", 'unknown key (did you mean "activity"?)'),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "respond_in": "1h"}],
     "sla.tiers[0].respond_in", 'did you mean "respond_within"'),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": -1}}], "sla.tiers[0].when.min_score",
     "greater than or equal to 0"),
    ("sla.tiers", [{"name": "hot", "when": {"campaign": " "}}], "sla.tiers[0].when.campaign",
     "must not be empty"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "respond_within": "15x"}],
     "sla.tiers[0].respond_within", '"15x" is not a duration'),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}},
                   {"name": "hot", "when": {"campaign": "q4"}}],
     "sla.tiers[1].name", '"hot" is already used by tiers[0]'),
    # ...whose durations in force (the tier's over the base ones) must still be in order
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "escalate_after": "1h"}],
     "sla.tiers[0].escalate_after",
     "1h is shorter than respond_within (4h, from sla); expected respond_within <= escalate_after"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "respond_within": "10h"}],
     "sla.tiers[0].respond_within", "10h is longer than escalate_after (8h, from sla)"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "respond_within": "15m",
                    "escalate_after": "1h", "reassign_after": "30m"}],
     "sla.tiers[0].reassign_after", "30m is shorter than escalate_after (1h); expected"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "reassign_after": "6h"}],
     "sla.tiers[0].reassign_after", "6h is shorter than escalate_after (8h, from sla)"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "follow_up_escalate_after": "1d"}],
     "sla.tiers[0].follow_up_escalate_after", "1d is shorter than follow_up_within (2d, from sla)"),
    ("sla.tiers", [{"name": "hot", "when": {"min_score": 90}, "follow_up_within": "5d"},
                   {"name": "cold", "when": {"min_score": 1}, "follow_up_within": "2d",
                    "follow_up_escalate_after": "1d"}],
     "sla.tiers[1].follow_up_escalate_after", "1d is shorter than follow_up_within (2d);"),
    # business hours
    ("business_hours.end", "08:00", "business_hours.end", "08:00 is not after start (09:00)"),
    ("business_hours.start", 540, "business_hours.start", 'write the time in quotes, "9:00"'),
    ("business_hours.end", 64800, "business_hours.end", "write the time in quotes"),
    ("business_hours.start", "nine", "business_hours.start", "not a time of day"),
    ("business_hours.days", ["mon", "funday"], "business_hours.days[1]", "is not allowed"),
    ("business_hours.days", [], "business_hours.days", "needs at least one entry"),
    ("business_hours.holidays", ["Xmas"], "business_hours.holidays[0]", "is not a date"),
    # reasons and routing
    ("reasons.reject", [{"code": "A", "label": "a"}, {"code": "A", "label": "b"}],
     "reasons.reject[1].code", '"A" is already used by reject[0]'),
    ("reasons.handback", [], "reasons.handback", "needs at least one entry"),
    ("reasons.reject", [{"code": "A", "label": "x" * 76}], "reasons.reject[0].label", "at most 75"),
    ("reasons.reject", [{"code": "bad code", "label": "a"}], "reasons.reject[0].code",
     "not a reason code"),
    ("routing.first_line", "bdr", "routing.first_line", "\"bdr\" is not allowed; expected 'ae'"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "value", "path", "fragment"), PROBLEMS)
def test_each_problem_names_its_key_path(change, value, path, fragment):
    problems = problems_of(config_with((change, value)))
    matching = [line for line in problems if line.startswith(f"{path}: ")]
    assert matching, problems
    assert any(fragment in line for line in matching), matching


def test_problem_lines_are_key_path_then_message():
    for change, value, *_ in PROBLEMS:
        for line in problems_of(config_with((change, value))):
            assert re.fullmatch(r"[a-z_]+(\[\d+\]|\.[a-z_]+)*: \S.*", line), line


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        config_with(
            ("timezone", "Nowhere/Special"),
            ("handoff_channel", "handoffs"),
            ("people[1].email", "not-an-email"),  # this person also names an unknown team:
            ("people[1].team", "enterprize"),  # both are reported
            ("people[2].slack_id", "U0MGR0001"),
            ("people[4].role", "rep"),
            ("teams[1].manager", "U0NOPE"),
            ("teams[1].countries", ["ca", True]),
            ("sla.respond_within", "4x"),
            ("contract.require", ["emial"]),
            ("business_hours.end", "08:00"),
            ("routing.first_line", "bdr"),
        )
    )
    assert paths(problems) >= {
        "timezone",
        "handoff_channel",
        "people[1].email",
        "people[1].team",
        "people[2].slack_id",
        "people[4].role",
        "teams[1].manager",
        "teams[1].countries[1]",
        "sla.respond_within",
        "contract.require[0]",
        "business_hours.end",
        "routing.first_line",
    }, problems


def test_every_cross_field_problem_is_reported_at_once():
    problems = problems_of(
        config_with(
            ("people[2].slack_id", "U0AE00001"),
            ("people[4].email", "Dana@Example.com"),
            ("people[5].team", "sales"),
            ("teams[0].manager", "U0AE00002"),
            ("teams[1].manager", "U0NOPE"),
            ("teams[1].countries", ["GB", "canada"]),
        )
    )
    assert paths(problems) == {
        "people[2].slack_id",
        "people[4].email",
        "people[5].team",
        "teams[0].manager",
        "teams[1].manager",
        "teams[1].countries[1]",
    }, problems


def test_nested_cross_field_problems_do_not_hide_roster_problems():
    problems = problems_of(config_with(("sla.escalate_after", "1h"), ("teams[0].manager", "U0X")))
    assert paths(problems) == {"sla.escalate_after", "teams[0].manager"}


@pytest.mark.parametrize("data", [None, [], "handoff_channel: C0X", 42])
def test_top_level_must_be_a_mapping(data):
    problems = problems_of(data)
    assert len(problems) == 1
    assert problems[0].startswith("config: should be a mapping")


def test_direct_construction_runs_the_same_checks():
    with pytest.raises(ValidationError, match="is not a configured person"):
        HandshakeConfig.model_validate(config_with(("teams[0].manager", "U0NOPE")))


# --- accepted values --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketer", "admin"])
def test_team_is_optional_for(role):
    config = parse_config(config_with(("people[1].role", role), ("people[1].team", DELETE)))
    assert config.people[1].team is None


def test_roles():
    assert ROLES == ("ae", "sdr", "manager", "marketer", "admin")


def test_admin_may_manage_a_team():
    assert parse_config(config_with(("teams[0].manager", "W0ADM0001"))).teams[0].manager


@pytest.mark.parametrize(
    ("version", "expected"),
    [("2026-11", "2026-11"), (2026, "2026"), (3.5, "3.5"), (date(2026, 11, 1), "2026-11-01")],
)
def test_contract_version_is_text(version, expected):
    assert parse_config(config_with(("contract.version", version))).contract.version == expected


def test_optional_sections():
    config = parse_config(
        config_with(
            ("timezone", "America/New_York"),
            ("sla", {"respond_within": "1h30m", "escalate_after": "2h", "reassign_after": "2h"}),
            ("business_hours", {"days": ["Mon", "TUE"], "start": "8:30",
                                "holidays": ["2026-12-25"]}),
            ("reasons.handback", [{"code": "N-X", "label": "Not now"}]),
            ("routing.first_line", "sdr"),
            ("people[1].timezone", "Europe/Paris"),
            ("people[1].away_until", "2026-12-01"),
            ("people[1].capacity_per_day", 5),
            ("contract.require", ["email", "company"]),
            ("contract.signals", [{"name": "Demo", "activity": "demo_request", "qualifies": True}]),
        )
    )  # fmt: skip
    assert config.sla.respond_within == timedelta(hours=1, minutes=30)
    assert config.sla.follow_up_within == timedelta(days=2)
    assert config.business_hours is not None
    assert config.business_hours.days == ["mon", "tue"]
    assert config.business_hours.start == time(8, 30)
    assert config.business_hours.end == time(18)
    assert config.business_hours.holidays == [date(2026, 12, 25)]
    assert tuple(config.reasons.reject) == DEFAULT_REJECT_REASONS  # the list not given
    assert [r.code for r in config.reasons.handback] == ["N-X"]
    assert config.routing.first_line == "sdr"
    assert config.people[1].away_until == date(2026, 12, 1)
    assert config.people[1].capacity_per_day == 5
    assert config.contract.signals[0].qualifies is True


def test_follow_up_escalation_defaults_to_twice_follow_up_within():
    config = parse_config(config_with(("sla.follow_up_within", "1d")))
    assert config.sla.follow_up_escalate_after == timedelta(days=2)
    config = parse_config(config_with(("sla.follow_up_escalate_after", "3d")))
    assert config.sla.follow_up_escalate_after == timedelta(days=3)
    assert config.sla.follow_up_within == timedelta(days=2)
    config = parse_config(config_with(("sla.follow_up_escalate_after", "2d")))  # equal: fine
    assert config.sla.follow_up_escalate_after == timedelta(days=2)


H = timedelta(hours=1)
D = timedelta(days=1)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        # nothing overridden: the base set
        ({}, (4 * H, 8 * H, 24 * H, 2 * D, 4 * D)),
        ({"respond_within": "15m", "escalate_after": "1h", "reassign_after": "4h"},
         (H / 4, H, 4 * H, 2 * D, 4 * D)),
        ({"respond_within": "8h"}, (8 * H, 8 * H, 24 * H, 2 * D, 4 * D)),
        # the tier's follow_up_within: its escalation defaults to twice that...
        ({"follow_up_within": "5d"}, (4 * H, 8 * H, 24 * H, 5 * D, 10 * D)),
        # ...unless the tier sets it too
        ({"follow_up_within": "1d", "follow_up_escalate_after": "1d"},
         (4 * H, 8 * H, 24 * H, D, D)),
        ({"follow_up_escalate_after": "3d"}, (4 * H, 8 * H, 24 * H, 2 * D, 3 * D)),
    ],
)  # fmt: skip
def test_tier_durations_in_force(tier, expected):
    config = parse_config(config_with(("sla.tiers", [{"name": "t", "when": {"min_score": 1},
                                                      **tier}])))  # fmt: skip
    durations = config.sla.durations(config.sla.tiers[0])
    assert tuple(durations.values()) == expected
    assert list(durations) == [
        "respond_within", "escalate_after", "reassign_after",
        "follow_up_within", "follow_up_escalate_after",
    ]  # fmt: skip


def test_tiers_are_read_in_order():
    config = parse_config(
        config_with(
            ("sla.tiers", [
                {"name": "hot", "when": {"activity": "demo_request"}, "respond_within": "15m",
                 "escalate_after": "1h", "reassign_after": "4h"},
                {"name": "Q4", "when": {"campaign": " Q4 Launch ", "min_score": 70.5}},
            ]),
        )
    )  # fmt: skip
    hot, q4 = config.sla.tiers
    assert (hot.name, hot.when.activity, hot.respond_within) == ("hot", "demo_request", H / 4)
    assert hot.follow_up_within is None  # not overridden
    assert (q4.when.campaign, q4.when.min_score, q4.when.activity) == ("Q4 Launch", 70.5, None)
    assert config.sla.durations() == config.sla.durations(None)
    assert config.sla.durations()["respond_within"] == 4 * H


def test_base_order_problems_are_not_repeated_for_each_tier():
    problems = problems_of(
        config_with(
            ("sla.escalate_after", "1h"),
            ("sla.tiers", [{"name": "a", "when": {"min_score": 1}, "follow_up_within": "1d"}]),
        )
    )
    assert paths(problems) == {"sla.escalate_after"}, problems


def test_config_is_immutable():
    config = parse_config(BASE)
    with pytest.raises(ValidationError):
        config.timezone = "Europe/Paris"  # type: ignore[misc]


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(BASE)


def test_person(config):
    assert config.person("U0AE00001").name == "Ana"
    assert config.person("U0NOPE") is None


def test_team(config):
    assert config.team("emea").manager == "U0MGR0002"
    assert config.team("sales") is None


@pytest.mark.parametrize(
    ("country", "team"),
    [("US", "enterprise"), ("us", "enterprise"), ("canada", "enterprise"), ("CANADA", "enterprise"),
     ("GB", "emea"), (" de ", "emea"), ("BR", "enterprise"), ("", "enterprise"),
     (None, "enterprise")],
)  # fmt: skip
def test_team_for_country_maps_else_first_team(config, country, team):
    assert config.team_for_country(country).name == team


@pytest.mark.parametrize(
    ("slack_id", "manager"),
    [("U0AE00001", "U0MGR0001"), ("U0AE00002", "U0MGR0002"), ("U0MGR0001", "U0MGR0001"),
     ("U0MKT0001", None), ("U0NOPE", None)],
)  # fmt: skip
def test_manager_of(config, slack_id, manager):
    assert config.manager_of(slack_id) == manager


def test_reason(config):
    assert config.reason("reject", "R-OWNER").reroute is True
    assert config.reason("reject", "R-DATA").label == "Bad or unverifiable data"
    assert config.reason("handback", "N-TIMING").label == "Timing: the project is months out"
    assert config.reason("handback", "R-DATA") is None
    assert config.reason("reject", "R-NOPE") is None


def test_default_reasons():
    assert [r.code for r in DEFAULT_REJECT_REASONS] == [
        "R-DATA", "R-ICP", "R-AUTHORITY", "R-CUSTOMER", "R-JUNK", "R-DUPLICATE", "R-OWNER",
    ]  # fmt: skip
    assert [r.code for r in DEFAULT_HANDBACK_REASONS] == [
        "N-UNREACHABLE", "N-NONEED", "N-BUDGET", "N-TIMING", "N-RESEARCH", "N-COMPETITOR",
    ]  # fmt: skip
    assert [r.code for r in DEFAULT_REJECT_REASONS if r.reroute] == ["R-OWNER"]
    assert not any(r.reroute for r in DEFAULT_HANDBACK_REASONS)


# --- files ------------------------------------------------------------------------------------


def test_example_file_loads():
    config = load_config(EXAMPLE)
    assert config.handoff_channel == "C0HANDOFF1"
    assert config.business_hours is not None
    assert [s.name for s in config.contract.signals] == [
        "Visited pricing", "15+ minutes on site", "Requested a demo",
    ]  # fmt: skip
    pricing, session, demo = config.contract.signals
    assert (pricing.activity, pricing.detail_contains) == ("page_view", "/pricing")
    assert (session.activity, session.min_duration_s) == ("session", 900)
    assert (demo.activity, demo.qualifies) == ("demo_request", True)
    assert config.team_for_country("NO").name == "emea"  # quoted, so not read as false
    assert config.reason("reject", "R-OWNER").reroute is True


def _keys(model: type[BaseModel]) -> set[str]:
    keys = {f.alias or name for name, f in model.model_fields.items()}  # as written in YAML
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                keys |= _keys(tp)
            stack.extend(getattr(tp, "__args__", ()))
    return keys


def test_example_file_documents_every_key():
    text = EXAMPLE.read_text()
    missing = {key for key in _keys(HandshakeConfig) if not re.search(rf"\b{key}:", text)}
    assert not missing


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "handshake.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("people: [\n", "not valid YAML: line"),
        ("a: 1\n  b: 2\n", "not valid YAML: line 2"),
        ("sla: {}\nsla: {}\n", 'not valid YAML: line 2, column 1: duplicate key "sla"'),
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- a\n- b\n", "the top level should be a mapping of keys"),
        ("just text\n", "the top level should be a mapping of keys"),
    ],
)
def test_load_config_file_problems_are_one_line_naming_the_file(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{path}: ")
    assert fragment in info.value.problems[0]
    assert str(info.value) == info.value.problems[0]


def test_load_config_missing_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yml")
    assert info.value.problems == [f"{tmp_path / 'nope.yml'}: config file not found"]


def test_load_config_unreadable(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)  # a directory
    assert info.value.problems[0].startswith(f"{tmp_path}: cannot read the config file")


def test_load_config_reports_key_paths(tmp_path):
    text = EXAMPLE.read_text().replace("respond_within: 4h", "respond_within: 4x")
    text = text.replace('start: "09:00"', "start: 9:00")
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert info.value.path == str(tmp_path / "handshake.yml")
    assert info.value.problems == [
        'sla.respond_within: "4x" is not a duration like 30s, 15m, 4h, 2d',
        'business_hours.start: write the time in quotes, "9:00": YAML reads 9:00 as 540',
    ]


# -- the chain of managers (issue 8) ------------------------------------------------------------


def test_managers_of_each_others_teams_are_a_loop():
    problems = problems_of(
        config_with(("people[0].team", "emea"), ("people[3].team", "enterprise"))
    )
    loops = [p for p in problems if "loop" in p]
    assert len(loops) == 1, problems
    assert loops[0].startswith("teams[0].manager: ")
    assert "U0MGR0001" in loops[0] and "U0MGR0002" in loops[0]


def test_a_longer_loop_of_managers_is_found_once():
    data = config_with(("people[0].team", "emea"), ("people[3].team", "apac"))
    data["teams"].append({"name": "apac", "manager": "U0MGR0003"})
    data["people"].append(
        {"slack_id": "U0MGR0003", "name": "Kai", "email": "kai@example.com",
         "role": "manager", "team": "enterprise"}
    )  # fmt: skip
    loops = [p for p in problems_of(data) if "loop" in p]
    assert len(loops) == 1 and loops[0].startswith("teams[0].manager: ")


def test_a_manager_in_a_parent_team_is_valid():
    # Lars manages emea and belongs to enterprise, whose manager Dana manages her own team.
    config = parse_config(config_with(("people[3].team", "enterprise")))
    assert config.manager_of("U0MGR0002") == "U0MGR0001"
    assert config.manager_of("U0MGR0001") == "U0MGR0001"


def test_one_manager_for_two_teams_is_valid_and_noted():
    from bot.config.roster import roster_notes

    config = parse_config(config_with(("teams[1].manager", "U0MGR0001")))
    notes = roster_notes(config)
    assert len(notes) == 1
    assert notes[0].startswith("teams[1].manager: U0MGR0001 (Dana) also manages enterprise")


# -- hostile YAML (issue 8) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested more than"),
        ("a:\n" + "".join(" " * i + "- \n" for i in range(0, 10_000, 2)), "nested more than"),
        ("contract:\n  min_score: " + "9" * 5_000 + "\n", "5000 digits"),
    ],
    ids=["flow", "block", "digits"],
)
def test_hostile_yaml_is_one_line(tmp_path, text, fragment):
    from bot.config import load_config

    path = tmp_path / "handshake.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{path}: not valid YAML: line ")
    assert fragment in info.value.problems[0]
