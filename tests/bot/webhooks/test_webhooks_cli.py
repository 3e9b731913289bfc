"""`handshake webhooks test`, `handshake outbox` with webhook rows, and the `webhooks` config
in check-config."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from bot import cli
from bot.clock import utcnow
from bot.config import ConfigError, parse_config
from bot.config.webhooks import EVENT_TYPES, url_origin
from bot.services.decisions import ACCEPT, decide
from storage.models import OUT_DONE, OUT_FAILED
from tests import factories as f
from tests.bot.webhooks.conftest import SECRET, SECRET_ENV, webhook_rows


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_webhooks_test_sends_a_signed_ping_and_prints_what_came_back(receiver, monkeypatch, capsys):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    code, out, err = run(capsys, "webhooks", "test", receiver.url, "--secret-env", SECRET_ENV)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"POST {receiver.url}"
    assert lines[1].startswith("webhook-id: msg_")
    assert lines[2] == "status: 200"
    assert lines[3].startswith('body: {"received":"msg_')
    (delivery,) = receiver.deliveries
    assert delivery.verified and delivery.body["type"] == "ping"


def test_webhooks_test_failures_exit_2_without_a_traceback(receiver, monkeypatch, capsys):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    receiver.fail(500)
    code, out, err = run(capsys, "webhooks", "test", receiver.url, "--secret-env", SECRET_ENV)
    assert code == 2
    assert (
        out.splitlines()[-1]
        == "failed: POST " + url_origin(receiver.url) + ": HTTP 500 stand-in answers 500"
    )
    assert "Traceback" not in err
    dead = "http://127.0.0.1:9/nothing-listens"
    code, out, err = run(capsys, "webhooks", "test", dead, "--secret-env", SECRET_ENV)
    assert code == 2 and out.splitlines()[-1].startswith(f"failed: POST {url_origin(dead)} failed")
    assert "Traceback" not in err
    code, out, err = run(capsys, "webhooks", "test", "not a url", "--secret-env", SECRET_ENV)
    assert code == 2 and "URL: " in err and "Traceback" not in err
    monkeypatch.delenv(SECRET_ENV)
    code, out, err = run(capsys, "webhooks", "test", receiver.url, "--secret-env", SECRET_ENV)
    assert code == 2
    assert f"handshake: --secret-env: the environment variable {SECRET_ENV} is not set" in err


def test_a_wrong_secret_is_refused_by_the_receiver(receiver, monkeypatch, capsys):
    monkeypatch.setenv("OTHER_SECRET", "whsec_" + "QUJD" * 8)
    code, out, _ = run(capsys, "webhooks", "test", receiver.url, "--secret-env", "OTHER_SECRET")
    assert code == 2 and "HTTP 401" in out
    assert receiver.effects == []


def test_failed_webhook_rows_are_listed_with_their_destination_and_retried(
    bot, hooks, receiver, clock, monkeypatch, capsys
):
    handoff = f.routed_handoff(bot).handoff
    decide(handoff.id, handoff.owner_id, ACCEPT, runtime=bot.runtime)
    receiver.fail(410, times=2)  # lead.routed and handoff.accepted: both gone for good
    hooks.run_once()  # lead.routed fails; handoff.accepted waited behind it
    hooks.run_once()
    assert [r.status for r in webhook_rows(bot.runtime)] == [OUT_FAILED, OUT_FAILED]
    url = bot.runtime.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, err = run(capsys, "outbox")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("outbox: ") and "failed 2" in lines[0]
    assert all(
        f"webhook to={receiver.url} " in line and "lane=webhook" in line for line in lines[1:]
    )
    assert "HTTP 410" in lines[1]
    code, out, _ = run(capsys, "outbox", "retry")
    assert code == 0 and out == "2 failed call(s) queued again\n"
    clock.now = max(clock.now, utcnow()) + timedelta(seconds=1)  # the CLI queued at real time
    hooks.run_once()
    hooks.run_once()
    assert [r.status for r in webhook_rows(bot.runtime)] == [OUT_DONE, OUT_DONE]
    assert [e["type"] for e in receiver.effects] == ["lead.routed", "handoff.accepted"]


def test_check_config_names_unknown_events_and_unset_secrets_with_their_key_paths():
    hooks = [
        {"url": "https://hooks.example.com/a", "secret_env": "A_SECRET"},
        {"url": "https://hooks.example.com/b", "secret_env": "B_SECRET", "events": ["lead.rooted"]},
        {"url": "https://hooks.example.com/a", "secret_env": "B_SECRET"},
    ]
    with pytest.raises(ConfigError) as caught:
        parse_config(f.config_data(webhooks=hooks), environ={"B_SECRET": SECRET})
    problems = caught.value.problems
    assert (
        "webhooks[0].secret_env: the environment variable A_SECRET is not set "
        "(secrets live in the environment)"
    ) in problems
    assert any(
        p.startswith('webhooks[1].events[0]: "lead.rooted" is not an event type (did you mean')
        for p in problems
    )
    assert (
        'webhooks[2].url: "https://hooks.example.com/a" is already used by webhooks[0]'
        in (problems)
        or len(problems) == 2
    )  # the duplicate is found once the others validate


def test_the_secret_comes_from_the_environment_and_is_never_shown():
    config = parse_config(
        f.config_data(webhooks=[{"url": "https://h.example/x", "secret_env": SECRET_ENV}]),
        environ={SECRET_ENV: SECRET},
    )
    (hook,) = config.webhooks
    assert hook.secret == SECRET
    assert SECRET not in repr(config) and SECRET not in config.model_dump_json()
    assert hook.events == list(EVENT_TYPES)


def test_a_webhook_url_with_a_port_out_of_range_is_a_config_problem():
    """It would pass, then break /metrics and every delivery to it."""
    hooks = [{"url": "https://hooks.example.com:99999/x", "secret_env": "B_SECRET"}]
    with pytest.raises(ConfigError) as caught:
        parse_config(f.config_data(webhooks=hooks), environ={"B_SECRET": SECRET})
    assert any(
        p.startswith("webhooks[0].url: ") and "port that is not a number from 0 to 65535" in p
        for p in caught.value.problems
    ), caught.value.problems


def test_a_url_is_cut_to_its_origin_for_logs_errors_and_metrics():
    from bot.config.webhooks import url_origin

    assert url_origin("https://hooks.zapier.com/hooks/catch/123/abcSECRET?token=T") == (
        "https://hooks.zapier.com"
    )
    assert url_origin("http://127.0.0.1:8080/x?k=v") == "http://127.0.0.1:8080"
    assert url_origin("https://h.example:99999/x") == "https://h.example"  # never raises


@pytest.mark.parametrize(
    ("secret", "says"),
    [
        ("whsec_not base64 at all!!", "expected whsec_ followed by base64"),
        ("plainsecret", "expected whsec_ followed by base64"),
        ("whsec_----KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFCQ0Q=", "followed by base64"),  # URL-safe
        ("whsec_" + base64.b64encode(b"short").decode(), "is too short"),
    ],
)
def test_a_webhook_secret_must_be_whsec_and_strict_base64(secret, says):
    """A lenient decoder drops stray characters: the key signed with would not be the one a
    receiver decodes, and every delivery would fail its check."""
    hooks = [{"url": "https://hooks.example.com/x", "secret_env": "B_SECRET"}]
    with pytest.raises(ConfigError) as caught:
        parse_config(f.config_data(webhooks=hooks), environ={"B_SECRET": secret})
    assert any(
        p.startswith("webhooks[0].secret_env: ") and says in p for p in caught.value.problems
    ), caught.value.problems
