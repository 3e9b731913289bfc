"""`handshake init` against a sandbox workspace: people from users.list, page by page."""

from __future__ import annotations

import yaml

from bot.config import load_config
from bot.setup import init
from sandbox import Sandbox
from tests import factories as f
from tests.bot.setup.test_roster_email import run  # noqa: F401  (the fixture)
from tests.conftest import BOT_TOKEN


def test_init_fills_people_from_the_workspace(run, workspace: Sandbox, monkeypatch):  # noqa: F811
    monkeypatch.setattr(init, "PAGE", 3)  # several pages of users.list
    workspace.state.users[f.EVE].deleted = True  # deactivated: left out
    workspace.state.add_user("U0NOMAIL1", "guest", "No Email")  # no email: left out
    result = run.run("init", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=workspace.api_url)
    assert result.code == 0, result.err
    path = run.tmp / "handshake.yml"
    data = yaml.safe_load(path.read_text("utf-8"))
    wanted = [p for p in f.PEOPLE if p["slack_id"] != f.EVE]
    assert [p["slack_id"] for p in data["people"]] == [p["slack_id"] for p in wanted]
    assert [p["email"] for p in data["people"]] == [p["email"] for p in wanted]
    assert [p["name"] for p in data["people"]] == [p["name"] for p in wanted]
    assert data["people"][0]["timezone"] == "America/New_York"
    assert "# TODO: the role" in path.read_text("utf-8")  # roles are the admin's to set
    assert len(workspace.state.call_log.calls("users.list")) > 1
    load_config(path)  # a valid start


def test_init_without_a_token_writes_an_example(run):  # noqa: F811
    result = run.run("init", "start.yml")
    assert result.code == 0, result.err
    load_config(run.tmp / "start.yml")


def test_init_never_overwrites_without_force(run):  # noqa: F811
    (run.tmp / "handshake.yml").write_text("mine\n", "utf-8")
    result = run.run("init")
    assert result.code == 2
    assert result.problems == [
        "handshake: handshake.yml already exists; use --force to overwrite it"
    ]
    assert (run.tmp / "handshake.yml").read_text("utf-8") == "mine\n"
    assert run.run("init", "--force").code == 0


def test_a_name_that_yaml_would_misread_is_quoted():
    text = init.render([init.Member("U0AE00001", "yes: no", "a@example.com", None)])
    assert yaml.safe_load(text)["people"][0]["name"] == "yes: no"
