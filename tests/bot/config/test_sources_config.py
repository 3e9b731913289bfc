"""The `sources` key: the issue's example, each kind's keys, problems at their key paths
(a key of another kind, a bad map, an unset secret) and check-config reporting them."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from tests import factories as f
from tests.bot.config.test_config import commented_block, config_with
from tests.bot.test_cli import run  # noqa: F401  (the check-config harness)

ENV = {"HUBSPOT_APP_SECRET": "hs-secret", "SF_OUTBOUND_TOKEN": "sf", "MARKETO_TOKEN": "mk"}
ISSUE_EXAMPLE = [
    {"name": "hubspot", "kind": "hubspot", "secret_env": "HUBSPOT_APP_SECRET"},
    {
        "name": "salesforce",
        "kind": "salesforce",
        "organization_id": "00D5e000000ABCD",
        "token_env": "SF_OUTBOUND_TOKEN",
    },
    {
        "name": "marketo",
        "kind": "json",
        "token_env": "MARKETO_TOKEN",
        "map": {
            "external_id": "leadId",
            "email": "email",
            "first_name": "firstName",
            "score": "leadScore",
            "campaign": "program.name",
        },
    },
]


def problems(sources, environ=ENV) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(config_with(("sources", sources)), environ=environ)
    return caught.value.problems


def test_no_sources_by_default():
    assert parse_config(config_with(), environ=ENV).sources == []


def test_the_issues_example():
    config = parse_config(config_with(("sources", ISSUE_EXAMPLE)), environ=ENV)
    hubspot, salesforce, marketo = config.sources
    assert hubspot.secret == "hs-secret" and hubspot.token is None
    assert salesforce.secret == "sf" and salesforce.organization_id == "00D5e000000ABCD"
    assert marketo.token == "mk" and marketo.map["campaign"] == "program.name"
    assert config.source("marketo") is marketo and config.source("nope") is None
    assert "hs-secret" not in repr(config)  # the secret is not a field


@pytest.mark.parametrize(
    ("source", "where", "fragment"),
    [
        ({"name": "hubspot", "kind": "hubspot"}, "sources[0].secret_env", "required for kind"),
        (
            {"name": "m", "kind": "json", "token_env": "MARKETO_TOKEN", "secret_env": "X"},
            "sources[0].secret_env",
            "not used by kind json",
        ),
        (
            {"name": "h", "kind": "hubspot", "secret_env": "HUBSPOT_APP_SECRET", "token_env": "X"},
            "sources[0].token_env",
            "not used by kind hubspot",
        ),
        (
            {"name": "sf", "kind": "salesforce", "token_env": "SF_OUTBOUND_TOKEN"},
            "sources[0].organization_id",
            "required",
        ),
        (
            {
                "name": "sf",
                "kind": "salesforce",
                "token_env": "SF_OUTBOUND_TOKEN",
                "organization_id": "00Dshort",
            },
            "sources[0].organization_id",
            "15 or 18 characters",
        ),
        ({"name": "Hub Spot", "kind": "json", "token_env": "A"}, "sources[0].name", "lowercase"),
        ({"name": "x", "kind": "pipedrive"}, "sources[0].kind", "hubspot"),
        (
            {"name": "m", "kind": "json", "token_env": "MARKETO_TOKEN", "map": {"emial": "e"}},
            "sources[0].map",
            'did you mean "email"',
        ),
        (
            {"name": "m", "kind": "json", "token_env": "MARKETO_TOKEN", "map": {"email": "a..b"}},
            "sources[0].map",
            "not a source path",
        ),
        (
            {"name": "m", "kind": "json", "token_env": "MARKETO_TOKEN", "secret": "x"},
            "sources[0].secret",
            "unknown key",
        ),
        (
            {"name": "h", "kind": "hubspot", "secret_env": "HUBSPOT_APP_SECRET", "url": "x.com"},
            "sources[0].url",
            "not an http(s) URL",
        ),
    ],
)
def test_problems_at_their_key_paths(source, where, fragment):
    lines = problems([source])
    assert any(line.startswith(f"{where}: ") and fragment in line for line in lines), lines


def test_unset_secrets_are_problems():
    lines = problems(ISSUE_EXAMPLE, environ={"MARKETO_TOKEN": "mk"})
    assert any(
        line.startswith("sources[0].secret_env: the environment variable HUBSPOT_APP_SECRET")
        for line in lines
    )
    assert any(line.startswith("sources[1].token_env: ") for line in lines)


def test_duplicate_names():
    lines = problems([ISSUE_EXAMPLE[2], ISSUE_EXAMPLE[2]])
    assert lines == ['sources[1].name: "marketo" is already used by sources[0]']


def test_check_config_reports_source_problems(run):  # noqa: F811
    data = f.config_data(sources=[{"name": "marketo", "kind": "json", "token_env": "MK_UNSET"}])
    path = run.write_config(data, "sources.yml")
    result = run.run("check-config", str(path))
    assert result.code == 2
    assert any("sources[0].token_env" in line and "MK_UNSET" in line for line in result.problems)
    ok = run.run("check-config", str(path), MK_UNSET="token")
    assert ok.code == 0, ok.err


def test_the_commented_sources_block_of_the_example_file_is_valid():
    """handshake.example.yml documents `sources` commented out; uncommented, it validates."""
    sources = commented_block("sources")["sources"]
    config = parse_config(f.config_data(sources=sources), environ=ENV)
    assert [(s.name, s.kind) for s in config.sources] == [
        ("hubspot", "hubspot"),
        ("salesforce", "salesforce"),
        ("marketo", "json"),
    ]
    assert config.source("marketo").map["campaign"] == "program.name"
