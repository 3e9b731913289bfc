"""`handshake doctor` against the stand-in Slack: all well, then each problem planted on
its own, reported on its own line, with the right exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import cli
from bot.setup.doctor import REQUIRED_SCOPES
from sandbox import Sandbox
from sandbox.webhook_receiver import WebhookReceiver
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]


def write_config(env: dict[str, Any], data: dict[str, Any]) -> None:
    Path(env["HANDSHAKE_CONFIG"]).write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = cli.main(["doctor"])
    lines = capsys.readouterr().out.splitlines()
    return code, [line for line in lines if line[:1] in "✓✗"]


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✗")]


@pytest.fixture
def healthy(setup_env, receiver: WebhookReceiver) -> dict[str, Any]:
    receiver.reset()
    hook = {"url": receiver.url, "secret_env": "DOCTOR_WEBHOOK_SECRET"}
    write_config(setup_env, f.config_data(webhooks=[hook]))
    return setup_env


def test_all_well_every_check_passes_and_exit_0(healthy, capsys, receiver):
    code, lines = doctor(capsys)
    assert failures(lines) == []
    assert code == 0
    text = "\n".join(lines)
    for what in ("Slack token", "Scopes", "Hand-off channel", "Roster", "Database",
                 "Webhook", "Intake token"):  # fmt: skip
        assert what in text, what
    assert len(receiver.deliveries) == 1  # the webhook was pinged, once


def test_bad_token(healthy, capsys, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-the-token")
    code, lines = doctor(capsys)
    assert code == 1
    token = next(line for line in lines if "Slack token" in line)
    assert token.startswith("✗") and "invalid_auth" in token and "SLACK_BOT_TOKEN" in token
    # what needs Slack says it was not checked; the rest still is
    assert any(line.startswith("✓ Database") for line in lines)
    assert any(line.startswith("✓ Intake token") for line in lines)


def test_missing_scope(healthy, capsys, workspace: Sandbox):
    workspace.state.scopes = [s for s in workspace.state.scopes if s != "files:write"]
    code, lines = doctor(capsys)
    assert code == 1
    assert failures(lines) == [
        "✗ Scopes: missing files:write — add them under oauth_config.scopes.bot in "
        "manifest.yml and reinstall the app"
    ]


def test_bot_not_in_channel(healthy, capsys, workspace: Sandbox):
    workspace.state.channels[f.CHANNEL].bot_is_member = False
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith(f"✗ Hand-off channel {f.CHANNEL}: the bot is not a member")
    assert "/invite" in line


def test_unknown_channel(healthy, capsys, workspace: Sandbox):
    del workspace.state.channels[f.CHANNEL]
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert "not found" in line and "handoff_channel" in line


def test_unknown_user(healthy, capsys, workspace: Sandbox):
    del workspace.state.users[f.BEN]
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ people[1] ") and f.BEN in line and "not a user" in line


def test_deactivated_user(healthy, capsys, workspace: Sandbox):
    workspace.state.users[f.EVE].deleted = True
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert f.EVE in line and "deactivated" in line


def test_wrong_email(healthy, capsys, workspace: Sandbox):
    workspace.state.users[f.ANA].email = "ana@elsewhere.example"
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ people[0] ")
    assert "ana@elsewhere.example" in line and f.PEOPLE[0]["email"] in line


def test_unknown_email_of_a_person_given_by_email(healthy, capsys):
    data = f.config_data()
    del data["people"][1]["slack_id"]
    data["people"][1]["email"] = "nobody@example.com"
    write_config(healthy, data)
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ people[1] ") and "nobody@example.com" in line


def test_person_given_by_email_found(healthy, capsys):
    data = f.config_data()
    del data["people"][1]["slack_id"]
    write_config(healthy, data)
    code, lines = doctor(capsys)
    assert failures(lines) == []
    assert code == 0
    assert any("1 found by email" in line for line in lines)


def read_only_url(url: str) -> str:
    """The same database, opened read-only: SQLite's mode=ro, PostgreSQL's read-only
    transactions (so root, who may write any file, is refused too)."""
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return url + ("&" if "?" in url else "?") + "options=-c%20default_transaction_read_only%3Don"


def test_unwritable_database(healthy, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", read_only_url(healthy["DATABASE_URL"]))
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ Database") and "not writable" in line


def test_unmigrated_database(healthy, capsys, engine):
    from alembic import command

    from storage.migrate import alembic_config, current_revision, upgrade

    command.downgrade(alembic_config(engine), "-1")
    behind = current_revision(engine)
    try:
        code, lines = doctor(capsys)
    finally:
        upgrade(engine)
    assert code == 1
    (line,) = failures(lines)
    assert "handshake migrate" in line and f"at revision {behind}," in line


def test_failing_webhook(healthy, capsys, receiver: WebhookReceiver):
    receiver.fail(500)
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ Webhook webhooks[0]") and "500" in line


def test_intake_token_unset(healthy, capsys, monkeypatch):
    monkeypatch.delenv("HANDSHAKE_INTAKE_TOKEN")
    code, lines = doctor(capsys)
    assert code == 1
    (line,) = failures(lines)
    assert line.startswith("✗ Intake token") and "HANDSHAKE_INTAKE_TOKEN" in line


def test_required_scopes_are_the_manifests():
    for name in ("manifest.yml", "manifest.socket-mode.yml"):
        manifest = yaml.safe_load((ROOT / name).read_text("utf-8"))
        assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(REQUIRED_SCOPES), name


@pytest.fixture
def with_crms(healthy, monkeypatch):
    """Both stand-in CRMs configured; their secrets in the environment doctor reads."""
    from standins.hubspot import HubSpotState
    from standins.salesforce import SalesforceState
    from standins.serve import serve_hubspot, serve_salesforce

    hs, sf = HubSpotState(), SalesforceState()
    with serve_hubspot(hs) as hs_server, serve_salesforce(sf) as sf_server:
        monkeypatch.setenv("DOCTOR_HUBSPOT_TOKEN", hs.token)
        monkeypatch.setenv("DOCTOR_SF_ID", sf.client_id)
        monkeypatch.setenv("DOCTOR_SF_SECRET", sf.client_secret)
        crm = {
            "hubspot": {"token_env": "DOCTOR_HUBSPOT_TOKEN", "api_url": hs_server.url},
            "salesforce": {"instance_url": sf_server.url, "client_id_env": "DOCTOR_SF_ID",
                           "client_secret_env": "DOCTOR_SF_SECRET"},
        }  # fmt: skip
        data = yaml.safe_load(Path(healthy["HANDSHAKE_CONFIG"]).read_text("utf-8"))
        write_config(healthy, {**data, "crm": crm})
        yield hs, sf


def test_crm_destinations_answer_a_harmless_read(with_crms, capsys):
    hs, sf = with_crms
    code, lines = doctor(capsys)
    assert failures(lines) == [] and code == 0
    assert any(line.startswith("✓ CRM HubSpot") for line in lines)
    assert any(line.startswith("✓ CRM Salesforce") for line in lines)
    assert [c.method for c in hs.recorder.calls] == ["GET"]  # nothing written
    assert {c.method for c in sf.recorder.calls} <= {"GET", "POST"}  # POST: the token only
    assert all(c.path.endswith(("/token", "/limits")) for c in sf.recorder.calls)


def test_crm_with_a_wrong_token_or_secret(with_crms, capsys, monkeypatch):
    monkeypatch.setenv("DOCTOR_HUBSPOT_TOKEN", "pat-wrong")
    monkeypatch.setenv("DOCTOR_SF_SECRET", "wrong-secret")
    code, lines = doctor(capsys)
    assert code == 1
    hubspot, salesforce = failures(lines)
    assert hubspot.startswith("✗ CRM HubSpot") and "DOCTOR_HUBSPOT_TOKEN" in hubspot
    assert salesforce.startswith("✗ CRM Salesforce") and "DOCTOR_SF_SECRET" in salesforce
