"""A roster by email: people given by `email` alone, their Slack IDs looked up
(users.lookupByEmail) and kept in the person table for a start without Slack."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.config import ConfigError, parse_config
from bot.runtime import Runtime
from bot.services.roster_lookup import refresh_roster, resolve_people, seeds
from sandbox import Sandbox
from storage.db import unit_of_work
from storage.models import Person
from storage.people import sync_people
from tests import factories as f
from tests.bot.test_cli import ENV, Cli
from tests.conftest import BOT_TOKEN, slack_client


@pytest.fixture
def run(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> Cli:
    """`handshake` in-process, in a clean environment (as tests/bot/test_cli.py)."""
    monkeypatch.chdir(tmp_path)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    harness = Cli(tmp_path, tmp_path / "cli.db", tmp_path / "handshake.yml", monkeypatch, capsys)
    monkeypatch.setenv("DATABASE_URL", harness.db_url)
    return harness


def by_email(*indexes: int, manager_by_email: bool = False) -> dict[str, Any]:
    """The test config with people[i].slack_id left out for each index."""
    data = f.config_data()
    for i in indexes:
        del data["people"][i]["slack_id"]
    if manager_by_email:
        manager = next(p for p in data["people"] if p.get("slack_id") == f.MAYA)
        data["teams"][0]["manager"] = manager["email"].upper()  # any case
    return data


def test_config_accepts_a_person_by_email_and_a_manager_by_email():
    config = parse_config(by_email(1, manager_by_email=True))
    assert [i for i, _ in config.by_email()] == [1]


def test_config_refuses_a_manager_who_is_nobody():
    data = f.config_data()
    data["teams"][0]["manager"] = "nobody@example.com"
    with pytest.raises(ConfigError) as exc:
        parse_config(data)
    assert any(p.startswith("teams[0].manager: nobody@example.com") for p in exc.value.problems)


def test_found(workspace: Sandbox, engine):
    config = parse_config(by_email(1, manager_by_email=True))
    resolved = resolve_people(config, client=slack_client(workspace), engine=engine)
    assert resolved.people[1].slack_id == f.BEN
    assert resolved.teams[0].manager == f.MAYA
    assert resolved.by_email() == []
    assert resolved.as_written is config  # kept for the daily refresh


def test_not_found(workspace: Sandbox, engine):
    data = by_email(1)
    data["people"][1]["email"] = "gone@example.com"
    with pytest.raises(ConfigError) as exc:
        resolve_people(parse_config(data), client=slack_client(workspace), engine=engine)
    (line,) = exc.value.problems
    assert line.startswith("people[1].email: gone@example.com is not a user")


def test_deactivated_users_stay_but_doctor_reports_them(workspace: Sandbox, engine):
    workspace.state.users[f.BEN].deleted = True
    resolved = resolve_people(
        parse_config(by_email(1)), client=slack_client(workspace), engine=engine
    )
    assert resolved.people[1].slack_id == f.BEN


def test_changed_id_wins_over_the_stored_one(workspace: Sandbox, engine, clock):
    """Ben's email now belongs to another Slack account: the daily refresh follows it, and
    the roster table with it."""
    config = resolve_people(
        parse_config(by_email(1)), client=slack_client(workspace), engine=engine
    )
    runtime = Runtime(engine=engine, config=config, clock=clock)
    with unit_of_work(engine) as session:
        sync_people(seeds(config), session=session)
    email = f.PEOPLE[1]["email"]
    workspace.state.users[f.BEN].email = "ben.old@example.com"
    workspace.state.add_user("U0AE0NEW2", "ben", "Ben Again", email=email)

    assert refresh_roster(runtime, client=slack_client(workspace)) is True
    assert runtime.config.people[1].slack_id == "U0AE0NEW2"
    with unit_of_work(engine) as session:
        rows = {p.slack_id: p.active for p in session.exec(select(Person)).all()}
    assert rows["U0AE0NEW2"] is True and rows[f.BEN] is False
    assert refresh_roster(runtime, client=slack_client(workspace)) is False  # no change now


def test_slack_down_uses_the_ids_stored_at_an_earlier_start(workspace: Sandbox, engine):
    config = parse_config(by_email(1))
    # engine: the roster was loaded with Ben's ID at an earlier start (conftest)
    workspace.state.add_fault("users.lookupByEmail", error="fatal_error", times=5)
    try:
        resolved = resolve_people(config, client=slack_client(workspace), engine=engine)
    finally:
        workspace.state.clear_faults()
    assert resolved.people[1].slack_id == f.BEN


def test_slack_down_and_nothing_stored_is_a_clear_error(workspace: Sandbox):
    with pytest.raises(ConfigError) as exc:
        resolve_people(parse_config(by_email(1)), client=None, engine=None)
    (line,) = exc.value.problems
    assert line.startswith("people[1].email: cannot look up") and "no earlier answer" in line


# -- check-config -------------------------------------------------------------------------


def test_check_config_without_a_token_says_it_cannot_look_up(run):
    path = run.write_config(by_email(1, 2), "by-email.yml")
    result = run.run("check-config", str(path))
    assert result.code == 0, result.err
    assert "2 people are given by email alone; without SLACK_BOT_TOKEN" in result.out


def test_check_config_with_a_token_reports_an_unknown_email(run, workspace: Sandbox):
    data = by_email(1)
    data["people"][1]["email"] = "gone@example.com"
    path = run.write_config(data, "by-email.yml")
    result = run.run(
        "check-config", str(path), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=workspace.api_url
    )
    assert result.code == 2
    assert result.problems == [
        "handshake: people[1].email: gone@example.com is not a user of this Slack workspace "
        "(users.lookupByEmail: users_not_found); correct the email, or give the person's "
        "slack_id"
    ]
    path = run.write_config(by_email(1), "found.yml")
    result = run.run(
        "check-config", str(path), SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=workspace.api_url
    )
    assert result.code == 0, result.err
    assert "1 people given by email found in Slack" in result.out


def test_reload_looks_people_up_by_email(workspace: Sandbox, runtime: Runtime, tmp_path):
    import yaml

    from bot.services.config_reload import reload_config

    path = tmp_path / "by-email.yml"
    path.write_text(yaml.safe_dump(by_email(1, manager_by_email=True)), "utf-8")
    outcome = reload_config(runtime, path, client=slack_client(workspace))
    assert outcome.applied, outcome.problems
    assert runtime.config.people[1].slack_id == f.BEN
    assert runtime.config.teams[0].manager == f.MAYA

    data = by_email(1)
    data["people"][1]["email"] = "gone@example.com"
    path.write_text(yaml.safe_dump(data), "utf-8")
    outcome = reload_config(runtime, path, client=slack_client(workspace))
    assert not outcome.applied
    assert outcome.problems[0].startswith("people[1].email: gone@example.com")
    assert runtime.config.people[1].slack_id == f.BEN  # the config in force stays
