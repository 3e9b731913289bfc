"""The `crm` keys and people's `crm_ids`: defaults, problems at their key paths, the
environment check (a variable named but not set, at its key path) and the owner note."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from bot.config.crm import crm_notes
from tests.bot.config.test_config import commented_block, config_with

HUBSPOT = {"token_env": "HUBSPOT_TOKEN"}
ENV = {"HUBSPOT_TOKEN": "pat-1", "SF_CLIENT_ID": "id", "SF_CLIENT_SECRET": "secret"}
SALESFORCE = {
    "instance_url": "https://acme.my.salesforce.com/",
    "client_id_env": "SF_CLIENT_ID",
    "client_secret_env": "SF_CLIENT_SECRET",
}


def problems(*changes) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(config_with(*changes), environ=ENV)
    return caught.value.problems


def test_no_crm_by_default():
    assert parse_config(config_with(), environ=ENV).crm is None


def test_the_issues_example_and_the_defaults():
    config = parse_config(
        config_with(
            ("crm", {"hubspot": HUBSPOT, "salesforce": SALESFORCE | {"api_version": 61.0}}),
            ("people[1].crm_ids", {"hubspot": 51234567, "salesforce": "0055e000001AbCdEAF"}),
        ),
        environ=ENV,
    )
    hs, sf = config.crm.hubspot, config.crm.salesforce
    assert hs.api_url == "https://api.hubapi.com" and hs.sources == ["hubspot"]
    assert hs.status_property == "hs_lead_status" and hs.statuses.rejected == "UNQUALIFIED"
    assert hs.notes is True and hs.owner is False and hs.properties.reason is None
    assert sf.instance_url == "https://acme.my.salesforce.com" and sf.api_version == "61.0"
    assert sf.statuses.accepted == "Working - Contacted" and sf.tasks is True
    assert config.people[1].crm_ids.hubspot == "51234567"  # YAML's number, read as the id


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (("crm.hubspot", {"token_env": "my token"}), "crm.hubspot.token_env",
         "not an environment variable name"),
        (("crm.hubspot", {"token": "pat-123"}), "crm.hubspot.token", "unknown key"),
        (("crm.hubspot", HUBSPOT | {"api_url": "api.hubapi.com"}), "crm.hubspot.api_url",
         "not an http(s) URL"),
        (("crm.salesforce", SALESFORCE | {"api_version": "latest"}), "crm.salesforce.api_version",
         "not a Salesforce API version"),
        (("crm.salesforce", {"client_id_env": "A", "client_secret_env": "B"}),
         "crm.salesforce.instance_url", "required"),
        (("crm.salesforce", SALESFORCE | {"statuses": {"accept": "x"}}),
         "crm.salesforce.statuses.accept", "unknown key"),
        (("people[1].crm_ids", {"pipedrive": "1"}), "people[1].crm_ids.pipedrive", "unknown key"),
        (("people[1].crm_ids", {"hubspot": "ana-42"}), "people[1].crm_ids.hubspot",
         "is not a HubSpot id (digits only)"),
        (("people[1].crm_ids", {"salesforce": "005-ana"}), "people[1].crm_ids.salesforce",
         "is not a Salesforce id"),
    ],
)  # fmt: skip
def test_problems_at_their_key_paths(change, path, words):
    lines = problems(change)
    assert any(line.startswith(f"{path}: ") and words in line for line in lines), lines


@pytest.mark.parametrize(
    ("crm", "first", "second"),
    [
        ("hubspot", 777, "777"),  # YAML's number and a string: one id
        ("salesforce", "0055e000001AbCd", "0055e000001AbCdAAK"),  # its 15 and 18 forms
    ],
)
def test_two_people_with_one_crm_id_is_a_problem(crm, first, second):
    """All of that id's leads would go to the first of them."""
    lines = problems(("people[1].crm_ids", {crm: first}), ("people[2].crm_ids", {crm: second}))
    assert any(
        line.startswith(f"people[2].crm_ids.{crm}: ")
        and f"is already the {crm} id of people[1]" in line
        for line in lines
    ), lines


def test_each_unset_variable_is_a_problem_at_its_key_path():
    data = config_with(("crm", {"hubspot": HUBSPOT, "salesforce": SALESFORCE}))
    with pytest.raises(ConfigError) as caught:
        parse_config(data, environ={"SF_CLIENT_ID": "x", "HUBSPOT_TOKEN": "  "})
    unset = [p for p in caught.value.problems if "is not set" in p]
    assert unset == [
        "crm.hubspot.token_env: the environment variable HUBSPOT_TOKEN is not set "
        "(secrets live in the environment)",
        "crm.salesforce.client_secret_env: the environment variable SF_CLIENT_SECRET is not "
        "set (secrets live in the environment)",
    ]
    assert parse_config(data, environ=ENV).crm is not None
    assert parse_config(config_with(), environ={}).crm is None


def test_owner_on_notes_the_people_without_a_crm_id():
    config = parse_config(
        config_with(
            ("crm", {"hubspot": HUBSPOT | {"owner": True}}),
            ("people[1].crm_ids", {"hubspot": "51234567"}),
        ),
        environ=ENV,
    )
    [note] = crm_notes(config)
    assert note.startswith("crm.hubspot.owner: people[0] (U0MGR0001), people[2] (U0SDR0001)")
    assert "people[1]" not in note and "people[5]" not in note  # a marketer owns no lead
    assert crm_notes(parse_config(config_with(("crm", {"hubspot": HUBSPOT})), environ=ENV)) == []


def test_the_commented_crm_block_of_the_example_file_is_valid():
    """handshake.example.yml documents `crm` commented out; uncommented, it validates."""
    crm = commented_block("crm")
    data = config_with(("crm", crm["crm"]), ("people[1].crm_ids", {"hubspot": "51234567"}))
    config = parse_config(data, environ=ENV)
    assert config.crm.hubspot.properties.reason == "handshake_reason"
    assert config.crm.salesforce.fields.reason == "Handshake_Reason__c"
