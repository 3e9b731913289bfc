"""The pieces of the delivery process: the settings handed to the child, the lines on its
pipe (metrics relayed to the parent's registry, problems), and the holder every child of
one parent delivers as."""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.delivery import relay
from bot.delivery.child import HOLDER_ENV, DeliveryProcess, holder_from_parent
from bot.observability.metrics import Metrics
from bot.settings import Settings, SettingsError
from tests.helpers import wait_for


def test_the_child_gets_the_parents_settings_exactly():
    mine = Settings(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s3cret",
        DATABASE_URL="postgresql://u@h/db",
        HANDSHAKE_TICK_SECONDS=2.5,
        HANDSHAKE_SLACK_PACING=False,
        HANDSHAKE_DELIVERY="process",
    )
    env = mine.as_environment()
    assert "SLACK_APP_TOKEN" not in env and "HANDSHAKE_INTAKE_TOKEN" not in env  # unset stay so
    assert Settings(_env_file=None, **env) == mine  # type: ignore[call-arg]


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_what_the_child_counts_moves_the_parents_metrics():
    out = io.StringIO()
    child = relay.RelayedMetrics(relay.Relay(out))
    child.delivery_attempts.labels("slack", "delivered").inc()
    child.delivery_seconds.labels("slack").observe(0.4)
    child.rate_limited.labels("chat.postMessage").inc()
    child.intake.labels("api", "202").inc()  # not relayed: the child takes no intake

    parent = Metrics()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for line in lines:
        message = relay.parse(line)
        assert message is not None and relay.apply_metric(message, parent)
    assert sample(parent, "handshake_delivery_attempts_total", lane="slack",
                  outcome="delivered") == 1  # fmt: skip
    assert sample(parent, "handshake_delivery_seconds_count", lane="slack") == 1
    assert sample(parent, "handshake_delivery_seconds_sum", lane="slack") == 0.4
    assert sample(parent, "handshake_rate_limited_total", method="chat.postMessage") == 1


def test_lines_that_are_not_ours_change_nothing():
    parent = Metrics()
    bad = [
        "",
        "not json",
        "[1, 2]",
        json.dumps({"metric": "intake", "labels": ["api", "202"], "inc": 1}),  # not relayed
        json.dumps({"metric": "delivery_attempts", "labels": ["slack"], "inc": 1}),  # a label short
        json.dumps({"metric": "delivery_attempts", "labels": ["slack", "x"], "inc": -1}),
        json.dumps({"metric": "delivery_attempts", "labels": "slack", "inc": 1}),
        json.dumps({"metric": "delivery_attempts", "labels": ["slack", "x"]}),  # no move
    ]
    for line in bad:
        message = relay.parse(line)
        assert message is None or not relay.apply_metric(message, parent)
    assert "handshake_delivery_attempts_total{" not in parent.render().decode()


def test_problems_cross_as_text_or_null():
    out = io.StringIO()
    sender = relay.Relay(out)
    sender.send({"problem": "handshake-delivery crashed"})
    sender.send({"problem": None})
    first, second = (relay.parse(line) for line in out.getvalue().splitlines())
    assert first == {"problem": "handshake-delivery crashed"} and second == {"problem": None}


def test_a_closed_pipe_is_noted_and_never_raises():
    out = io.StringIO()
    sender = relay.Relay(out)
    out.close()
    sender.send({"problem": None})
    assert sender.broken


def test_a_child_started_again_delivers_as_the_one_before(tmp_path):
    """Each child notes its holder and exits at once; the parent starts another after 1 s."""
    seen = tmp_path / "holders"
    note = f"import os; open({str(seen)!r}, 'a').write(os.environ[{HOLDER_ENV!r}] + '\\n')"
    process = DeliveryProcess(Metrics(), environ={}, argv=[sys.executable, "-c", note])
    process.start()
    try:
        lines = wait_for(
            lambda: seen.exists() and len(seen.read_text().split()) >= 2 and seen.read_text(),
            timeout=15,
        )
    finally:
        process.stop()
    first, second = lines.split()[:2]
    assert first == second == process.holder
    other = DeliveryProcess(Metrics(), environ={}, argv=[sys.executable, "-c", note])
    assert other.holder != process.holder  # another serve: another holder


@pytest.mark.parametrize("bad", ["x" * 65, "a b", "h1'; DROP TABLE outbox", "hold\u00e9r"])
def test_a_holder_that_is_not_a_name_is_refused_with_the_variable(monkeypatch, bad):
    monkeypatch.setenv(HOLDER_ENV, bad)
    with pytest.raises(SettingsError) as refused:
        holder_from_parent()
    assert refused.value.lines == [
        f"{HOLDER_ENV}: 1 to 64 letters, digits, - or _ (serve sets it; leave it unset)"
    ]


def test_no_holder_or_an_empty_one_is_nobodys_and_a_name_is_kept(monkeypatch):
    monkeypatch.delenv(HOLDER_ENV, raising=False)
    assert holder_from_parent() is None
    monkeypatch.setenv(HOLDER_ENV, "")
    assert holder_from_parent() is None
    monkeypatch.setenv(HOLDER_ENV, "5f0c2a9e_serve-1")
    assert holder_from_parent() == "5f0c2a9e_serve-1"
