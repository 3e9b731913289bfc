"""`handshake digest` and `handshake digest --now`, run in-process through bot.cli.main
against a real SQLite file and the stand-in Slack."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import cli
from bot.clock import utcnow
from bot.config import parse_config
from bot.delivery.jobs.digest import METADATA_EVENT
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.server import prepare_database
from tests import factories as f
from tests.conftest import BOT_TOKEN
from tests.helpers import rendered

ENV = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "DATABASE_URL", "HANDSHAKE_CONFIG", "HANDSHAKE_INTAKE_TOKEN",
)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slack) -> Path:
    """A clean environment (no .env), a config, a database file, Slack at the sandbox."""
    monkeypatch.chdir(tmp_path)
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "handshake.yml"
    config.write_text(yaml.safe_dump(f.config_data()), encoding="utf-8")
    monkeypatch.setenv("HANDSHAKE_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, list[str]]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line.startswith("handshake: ")]


def digest_posts(slack) -> list:
    return [
        m
        for m in slack.state.messages(f.CHANNEL)
        if (m.metadata or {}).get("event_type") == METADATA_EVENT
    ]


def test_digest_now_posts_the_last_seven_days(env, capsys, slack):
    config = parse_config(f.config_data())
    engine = prepare_database(f"sqlite:///{env / 'cli.db'}", config)  # schema and roster
    lead, errors = validate_lead(f.lead_body(campaign="Spring <launch>"))
    assert not errors
    ingest(lead, runtime=Runtime(engine=engine, config=config), now=utcnow())
    engine.dispose()

    code, out, problems = run(capsys, "digest", "--now")
    assert (code, problems) == (0, [])
    [post] = digest_posts(slack)
    assert out.startswith("posted the digest of ")
    assert f"to {f.CHANNEL} (ts {post.ts}, chart F" in out and "outbox row #" in out
    text = rendered(post)
    assert "Received *1* → Qualified *1*" in text and "Spring &lt;launch&gt;" in text
    file_id = next(b["slack_file"]["id"] for b in post.blocks if b["type"] == "image")
    stored = slack.state.file(file_id)
    assert stored is not None and stored.complete and stored.data.startswith(b"\x89PNG")

    code, out, _ = run(capsys, "digest")  # the on-demand post leaves the schedule alone
    assert code == 0
    assert out.splitlines()[0].startswith(f"weekly digest: Mondays at 09:00 UTC, to {f.CHANNEL}")
    assert "next Mon " in out and "week to" not in out


def test_digest_shows_the_schedule_and_its_runs(env, capsys, monkeypatch):
    data = f.config_data(digest={"day": "fri", "time": "16:30", "enabled": False})
    (env / "handshake.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    run(capsys, "migrate")
    code, out, _ = run(capsys, "digest")
    assert code == 0
    assert out.splitlines()[0] == (
        f"weekly digest: disabled in the config (would be Fridays at 16:30 UTC, to {f.CHANNEL})"
    )


def test_digest_now_needs_the_bot_token(env, capsys, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    run(capsys, "migrate")
    code, out, problems = run(capsys, "digest", "--now")
    assert (code, out) == (2, "")
    assert problems == ["handshake: SLACK_BOT_TOKEN: required for digest --now (xoxb-…)"]


def test_digest_with_a_bad_config_key(env, capsys):
    data = f.config_data(digest={"day": "someday", "time": "9am"})
    (env / "handshake.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _, problems = run(capsys, "digest", "--now")
    assert code == 2
    assert [p.split(":")[1].strip() for p in problems] == ["digest.day", "digest.time"]


def test_digest_without_a_database(env, capsys):
    code, _, problems = run(capsys, "digest", "--now")
    assert code == 2
    assert len(problems) == 1 and "run `handshake migrate`" in problems[0]


def test_digest_now_when_slack_refuses(env, capsys, slack):
    run(capsys, "migrate")
    slack.state.add_fault("chat.postMessage", error="channel_not_found")
    code, out, problems = run(capsys, "digest", "--now")
    assert (code, out) == (1, "")
    [line] = problems
    assert "could not be posted: chat_postMessage: channel_not_found" in line
    assert "handshake outbox retry 1" in line
