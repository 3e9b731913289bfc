"""The `handshake` command, run in-process against a real SQLite file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bot import cli
from bot.clock import utcnow
from bot.config import parse_config
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.server import prepare_database
from bot.services.decisions import ACCEPT, REJECT, decide
from storage import outbox
from storage.db import make_engine, unit_of_work
from storage.handoffs import handoffs_for_lead
from storage.migrate import alembic_config, current_revision
from storage.models import OUT_FAILED, OUT_PENDING
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "handshake.example.yml"
ENV = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "DATABASE_URL", "HANDSHAKE_CONFIG", "HANDSHAKE_INTAKE_TOKEN", "HANDSHAKE_HOST",
    "HANDSHAKE_PORT", "HANDSHAKE_TICK_SECONDS",
)  # fmt: skip


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """The "handshake: …" lines on stderr (log lines left out)."""
        return [line for line in self.err.splitlines() if line.startswith("handshake: ")]


@dataclass
class Cli:
    tmp: Path
    db_file: Path
    config_file: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_file}"

    def run(self, *argv: str, **env: str) -> Result:
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        self.capsys.readouterr()
        code = cli.main(list(argv))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def write_config(self, data: Any, name: str = "handshake.yml") -> Path:
        path = self.tmp / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Cli:
    """A clean environment: no .env (the working directory is empty), a valid config."""
    monkeypatch.chdir(tmp_path)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    harness = Cli(tmp_path, tmp_path / "cli.db", tmp_path / "handshake.yml", monkeypatch, capsys)
    harness.write_config(f.config_data())
    monkeypatch.setenv("DATABASE_URL", harness.db_url)
    monkeypatch.setenv("HANDSHAKE_CONFIG", str(harness.config_file))
    return harness


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


# -- check-config -------------------------------------------------------------------------


def test_check_config_example_file(run):
    result = run.run("check-config", str(EXAMPLE))
    assert result.code == 0, result.err
    assert result.out.startswith(f"{EXAMPLE}: OK (")
    assert result.problems == []


def test_check_config_defaults_to_handshake_config(run):
    result = run.run("check-config")
    assert result.code == 0, result.err
    assert result.out == f"{run.config_file}: OK (9 people, 2 teams, contract 2026-11)\n"


def broken_config() -> dict[str, Any]:
    data = f.config_data()
    data["teams"][1]["manager"] = "U0NOBODY1"  # no such person
    data["people"][1]["slack_id"] = f.ANA  # Ben takes Ana's ID
    data["sla"]["respond_within"] = "4 hours"
    data["people"][7]["role"] = "intern"
    return data


BROKEN_PATHS = ["teams[1].manager", "people[1].slack_id", "sla.respond_within", "people[7].role"]


def test_check_config_prints_every_problem_one_line_each(run):
    path = run.write_config(broken_config(), "broken.yml")
    result = run.run("check-config", str(path))
    assert result.code == 2
    assert result.out == ""
    lines = result.problems
    assert len(lines) == len(BROKEN_PATHS), lines
    for key_path in BROKEN_PATHS:
        assert sum(line.startswith(f"handshake: {key_path}: ") for line in lines) == 1, key_path
    assert "U0NOBODY1" in next(line for line in lines if "teams[1].manager" in line)
    assert "intern" in next(line for line in lines if "people[7].role" in line)


def test_check_config_missing_file(run):
    missing = run.tmp / "nope.yml"
    result = run.run("check-config", str(missing))
    assert result.code == 2
    assert result.problems == [f"handshake: {missing}: config file not found"]
    assert len(result.err.splitlines()) == 1


def test_check_config_not_yaml(run):
    path = run.tmp / "bad.yml"
    path.write_text("people: [unclosed\n", encoding="utf-8")
    result = run.run("check-config", str(path))
    assert result.code == 2
    assert len(result.problems) == 1 and str(path) in result.problems[0]


# -- serve refuses to start, before touching the database or the network --------------------


@pytest.fixture
def no_start(run, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`serve` with everything it needs but the part a test takes away; it must not start."""
    import bot.server

    def must_not_run(*_args: Any, **_kw: Any) -> None:
        raise AssertionError("serve started")

    monkeypatch.setattr(bot.server, "serve", must_not_run)
    monkeypatch.setattr(bot.server, "prepare_database", must_not_run)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    return run


def test_serve_without_bot_token(no_start, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    result = no_start.run("serve")
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith("handshake: SLACK_BOT_TOKEN: required for serve")
    assert not no_start.db_file.exists()


def test_serve_with_a_bad_token(no_start):
    result = no_start.run("serve", SLACK_BOT_TOKEN="xoxp-user-token")
    assert result.code == 2
    assert result.problems == ["handshake: SLACK_BOT_TOKEN: must start with xoxb-"]
    assert "xoxp-user-token" not in result.err  # secrets are never echoed
    assert not no_start.db_file.exists()


def test_serve_with_a_bad_config(no_start):
    data = f.config_data()
    data["sla"]["respond_within"] = "soon"
    no_start.write_config(data)
    result = no_start.run("serve")
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith("handshake: sla.respond_within: ")
    assert not no_start.db_file.exists()


def test_serve_with_a_missing_config(no_start):
    result = no_start.run("serve", HANDSHAKE_CONFIG=str(no_start.tmp / "missing.yml"))
    assert result.code == 2
    assert result.problems == [f"handshake: {no_start.tmp / 'missing.yml'}: config file not found"]
    assert not no_start.db_file.exists()


def test_serve_reports_settings_and_config_problems_together(no_start, monkeypatch):
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    no_start.write_config(broken_config())
    result = no_start.run("serve")
    assert result.code == 2
    assert result.problems[0] == "handshake: SLACK_SIGNING_SECRET: required for serve"
    assert len(result.problems) == 1 + len(BROKEN_PATHS)
    assert not no_start.db_file.exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [("HANDSHAKE_PORT", "abc"), ("HANDSHAKE_PORT", "70000"), ("HANDSHAKE_TICK_SECONDS", "0"),
     ("SLACK_API_URL", "slack.com/api")],
)  # fmt: skip
def test_serve_with_a_bad_setting(no_start, name, value):
    result = no_start.run("serve", **{name: value})
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"handshake: {name}: ")
    assert value in result.problems[0]
    assert not no_start.db_file.exists()


def test_serve_with_an_unreachable_database(no_start):
    url = "postgresql://handshake:hunter2@127.0.0.1:9/handshake"  # the discard port: refused
    result = no_start.run("serve", DATABASE_URL=url)
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith("handshake: DATABASE_URL: cannot connect to ")
    assert "hunter2" not in result.err


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 10_000 + "]" * 10_000, "contract:\n  min_score: " + "9" * 5_000],
    ids=["deep", "digits"],
)
def test_check_config_and_serve_on_hostile_yaml_say_one_line(no_start, text):
    no_start.config_file.write_text(text + "\n")
    for command in ("check-config", "serve"):
        result = no_start.run(command)
        assert result.code == 2, command
        assert len(result.problems) == 1, result.err
        assert "not valid YAML: line " in result.problems[0]
        assert "Traceback" not in result.err


def test_check_config_notes_a_manager_of_two_teams(run):
    data = f.config_data()
    data["teams"][1]["manager"] = data["teams"][0]["manager"]
    run.write_config(data)
    result = run.run("check-config")
    assert result.code == 0
    assert [line for line in result.out.splitlines() if line.startswith("note: teams[1].manager")]


def test_serve_refuses_a_read_only_database(no_start):
    assert no_start.run("migrate").code == 0
    url = f"sqlite:///file:{no_start.db_file}?mode=ro&uri=true"  # read-only even for root
    result = no_start.run("serve", DATABASE_URL=url)
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith("handshake: DATABASE_URL: cannot write to ")
    assert "readonly" in result.problems[0]


def test_serve_with_a_malformed_database_url(no_start):
    result = no_start.run("serve", DATABASE_URL="handshake.db")
    assert result.code == 2
    assert len(result.problems) == 1 and result.problems[0].startswith("handshake: DATABASE_URL:")


# -- migrate ------------------------------------------------------------------------------------


def test_migrate_creates_the_schema(run):
    result = run.run("migrate")
    assert result.code == 0, result.err
    engine = make_engine(run.db_url)
    try:
        head = head_revision(engine)
        assert head is not None
        assert current_revision(engine) == head
    finally:
        engine.dispose()
    assert result.out == f"database at revision {head} (was empty)\n"
    again = run.run("migrate")
    assert again.code == 0
    assert again.out == f"database at revision {head} (already up to date)\n"


# -- export ---------------------------------------------------------------------------------


@pytest.fixture
def handoffs(run) -> dict[str, int]:
    """Three routed leads, two hours ago: one accepted after 90 minutes, one rejected after
    30 with a note that looks like a spreadsheet formula, one still pending."""
    config = parse_config(f.config_data())
    engine = prepare_database(run.db_url, config)
    start = utcnow() - timedelta(hours=2)
    ids: dict[str, int] = {}
    runtime = Runtime(engine=engine, config=config)
    try:
        for name in ("accepted", "rejected", "pending"):
            lead_input, errors = validate_lead(f.lead_body(first_name=name.title()))
            assert not errors
            body = ingest(lead_input, runtime=runtime, now=start).body
            assert body["status"] == "routed"
            with unit_of_work(engine) as session:
                handoff = handoffs_for_lead(int(body["id"]), session=session)[-1]
            assert handoff.id is not None
            ids[name] = handoff.id
        accepted = decide(ids["accepted"], f.MAYA, ACCEPT, runtime=runtime,
                          now=start + timedelta(minutes=90))  # fmt: skip
        rejected = decide(ids["rejected"], f.MAYA, REJECT, runtime=runtime,
                          now=start + timedelta(minutes=30), reason_code="R-DATA",
                          note="=HYPERLINK(\"http://evil.example\")")  # fmt: skip
        assert accepted.result == rejected.result == "recorded"
    finally:
        engine.dispose()
    return ids


def check_rows(rows: list[dict[str, Any]], ids: dict[str, int], *, csv_text: bool) -> None:
    by_id = {int(r["handoff_id"]): r for r in rows}
    assert set(by_id) == set(ids.values())  # one row per hand-off
    accepted, rejected, pending = (by_id[ids[k]] for k in ("accepted", "rejected", "pending"))
    empty = "" if csv_text else None
    assert accepted["status"] == "accepted"
    assert accepted["reason"] == empty
    assert accepted["decided_by"] == f.MAYA
    assert float(accepted["minutes_to_decision"]) == 90.0
    assert rejected["status"] == "rejected"
    assert rejected["reason_code"] == "R-DATA"
    assert rejected["reason"] == "Bad or unverifiable data"
    assert float(rejected["minutes_to_decision"]) == 30.0
    formula = '=HYPERLINK("http://evil.example")'
    assert rejected["note"] == ("'" + formula if csv_text else formula)  # neutralised in CSV
    assert pending["status"] == "pending"
    assert pending["minutes_to_decision"] == empty and pending["decided"] == empty
    assert {r["lead"] for r in rows} == {"Accepted Lee (Acme Corp)", "Rejected Lee (Acme Corp)",
                                         "Pending Lee (Acme Corp)"}  # fmt: skip


def test_export_csv(run, handoffs):
    out = run.tmp / "handoffs.csv"
    result = run.run("export", "--since", "30d", "--format", "csv", "--out", str(out))
    assert result.code == 0, result.err
    assert result.out == ""
    assert f"wrote 3 hand-offs to {out}" in result.err
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames is not None and "minutes_to_decision" in reader.fieldnames
        rows = list(reader)
    check_rows(rows, handoffs, csv_text=True)


def test_export_json_to_stdout(run, handoffs):
    result = run.run("export", "--since", "30d", "--format", "json")
    assert result.code == 0, result.err
    check_rows(json.loads(result.out), handoffs, csv_text=False)


def test_export_since_leaves_older_handoffs_out(run, handoffs):
    result = run.run("export", "--since", "1h", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == []


def test_export_bad_since(run):
    result = run.run("export", "--since", "nonsense")
    assert result.code == 2
    assert len(result.problems) == 1 and result.problems[0].startswith("handshake: --since: ")
    assert not run.db_file.exists()


def test_export_to_an_unwritable_path(run, handoffs):
    result = run.run("export", "--out", str(run.tmp / "no" / "such" / "dir.csv"))
    assert result.code == 2
    assert len(result.problems) == 1 and result.problems[0].startswith("handshake: --out: ")


def test_export_before_migrate(run):
    result = run.run("export")
    assert result.code == 2
    assert len(result.problems) == 1
    assert result.problems[0].startswith("handshake: DATABASE_URL: ")
    assert "handshake migrate" in result.problems[0]
    assert not run.db_file.exists()  # looking did not create an empty database


# -- outbox -----------------------------------------------------------------------------------


def fail_rows(run: Cli, count: int) -> list[int]:
    engine = make_engine(run.db_url)
    try:
        with unit_of_work(engine) as session:
            rows = sorted(outbox.list_rows(session=session), key=lambda r: r.id or 0)[:count]
            for row in rows:
                outbox.mark_failed(row, utcnow(), "channel_not_found", session=session)
        return [row.id for row in rows if row.id is not None]
    finally:
        engine.dispose()


def statuses(run: Cli) -> dict[int, tuple[str, int]]:
    engine = make_engine(run.db_url)
    try:
        with unit_of_work(engine) as session:
            return {r.id or 0: (r.status, r.attempts) for r in outbox.list_rows(session=session)}
    finally:
        engine.dispose()


def test_outbox_empty(run):
    assert run.run("migrate").code == 0
    result = run.run("outbox")
    assert result.code == 0, result.err
    assert result.out == "outbox: empty\n"


def test_outbox_lists_failed_rows(run, handoffs):
    total = len(statuses(run))
    [failed] = fail_rows(run, 1)
    result = run.run("outbox")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"outbox: failed 1, pending {total - 1}"
    assert len(lines) == 2
    assert lines[1].startswith(f"#{failed} failed post_card card=owner handoff=")
    assert lines[1].endswith("last_error=channel_not_found")
    everything = run.run("outbox", "list", "--all")
    assert len(everything.out.splitlines()) == 1 + total


def test_outbox_retry_one(run, handoffs):
    first, second = fail_rows(run, 2)
    result = run.run("outbox", "retry", str(first))
    assert result.code == 0, result.err
    assert result.out == "1 failed call(s) queued again\n"
    now = statuses(run)
    assert now[first] == (OUT_PENDING, 0)
    assert now[second][0] == OUT_FAILED
    again = run.run("outbox", "retry", str(first))  # no longer failed
    assert again.code == 1
    assert again.problems == [f"handshake: outbox row {first} is not a failed call"]


def test_outbox_retry_all(run, handoffs):
    failed = fail_rows(run, 3)
    result = run.run("outbox", "retry")
    assert result.code == 0, result.err
    assert result.out == "3 failed call(s) queued again\n"
    assert all(statuses(run)[i][0] == OUT_PENDING for i in failed)
    assert run.run("outbox").out.splitlines()[0].startswith("outbox: pending ")


# -- as a real process ------------------------------------------------------------------------


def test_module_entry_point_help():
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for command in ("serve", "check-config", "migrate", "export", "outbox"):
        assert command in done.stdout


# -- output into a closed pipe (issue 8, defect 11) ----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--format", "json"],
        ["export", "--format", "csv"],
        ["outbox", "--all"],
        ["outbox"],
        ["outbox", "retry"],
        ["check-config"],
        ["migrate"],
        ["digest"],
        ["--help"],
        ["export", "--help"],
    ],
    ids=" ".join,
)
def test_output_into_a_closed_pipe_ends_quietly(run, handoffs, argv):
    env = {k: v for k, v in os.environ.items() if k not in ENV}
    env.update(DATABASE_URL=run.db_url, HANDSHAKE_CONFIG=str(run.config_file), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *argv],
        cwd=run.tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before anything is written: `| head -0`
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert code in (0, 141), err


# -- check-config: the crm keys name environment variables ------------------------------------

CRM = {
    "hubspot": {"token_env": "HUBSPOT_TOKEN", "owner": True},
    "salesforce": {
        "instance_url": "https://acme.my.salesforce.com",
        "client_id_env": "SF_CLIENT_ID",
        "client_secret_env": "SF_CLIENT_SECRET",
    },
}


def test_check_config_reports_each_crm_variable_that_is_not_set(run):
    for name in ("HUBSPOT_TOKEN", "SF_CLIENT_ID", "SF_CLIENT_SECRET"):
        run.monkeypatch.delenv(name, raising=False)
    path = run.write_config(f.config_data(crm=CRM), "crm.yml")
    result = run.run("check-config", str(path), SF_CLIENT_ID="id-from-env")
    assert result.code == 2
    assert result.problems == [
        "handshake: crm.hubspot.token_env: the environment variable HUBSPOT_TOKEN is not set "
        "(secrets live in the environment)",
        "handshake: crm.salesforce.client_secret_env: the environment variable SF_CLIENT_SECRET"
        " is not set (secrets live in the environment)",
    ]


def test_check_config_reads_crm_secrets_from_dotenv_and_notes_missing_owner_ids(run):
    for name in ("HUBSPOT_TOKEN", "SF_CLIENT_ID", "SF_CLIENT_SECRET"):
        run.monkeypatch.delenv(name, raising=False)
    (run.tmp / ".env").write_text("HUBSPOT_TOKEN=pat-1\nSF_CLIENT_SECRET=s\n", encoding="utf-8")
    path = run.write_config(f.config_data(crm=CRM), "crm.yml")
    result = run.run("check-config", str(path), SF_CLIENT_ID="id-from-env")
    assert result.code == 0, result.err
    assert "note: crm.hubspot.owner: people[0] (" in result.out


def test_check_config_reads_webhook_secrets_from_dotenv_too(run):
    from tests.bot.webhooks.conftest import SECRET

    run.monkeypatch.delenv("HOOK_SECRET", raising=False)
    hook = {"url": "https://hooks.example.com/h", "secret_env": "HOOK_SECRET"}
    path = run.write_config(f.config_data(webhooks=[hook]), "hooks.yml")
    missing = run.run("check-config", str(path))
    assert missing.code == 2
    assert "webhooks[0].secret_env: the environment variable HOOK_SECRET is not set" in (
        missing.err
    )
    (run.tmp / ".env").write_text(f"HOOK_SECRET={SECRET}\n", encoding="utf-8")
    assert run.run("check-config", str(path)).code == 0


def test_check_config_reports_every_unset_secret_together(run):
    for name in ("HUBSPOT_TOKEN", "SF_CLIENT_ID", "SF_CLIENT_SECRET", "HOOK_SECRET"):
        run.monkeypatch.delenv(name, raising=False)
    hook = {"url": "https://hooks.example.com/h", "secret_env": "HOOK_SECRET"}
    path = run.write_config(f.config_data(crm=CRM, webhooks=[hook]), "all.yml")
    result = run.run("check-config", str(path), SF_CLIENT_ID="id", SF_CLIENT_SECRET="s")
    assert result.code == 2
    unset = [p for p in result.problems if "is not set" in p]
    assert [p.split(":")[1].strip() for p in unset] == [
        "crm.hubspot.token_env",
        "webhooks[0].secret_env",
    ]
