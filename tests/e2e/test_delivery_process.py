"""`serve` with HANDSHAKE_DELIVERY=process: the delivery lanes and the SLA clock run in a
child process (`handshake deliver`), and so does a one-click button's work after its ack.
Cards and nudges arrive once, `/metrics` still counts the child's deliveries, `/readyz`
fails when the child dies (a click meanwhile is acked and done by the next child), and the
child never outlives its parent, not even a `kill -9`."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot import ids
from bot.config import parse_config
from bot.server import prepare_database
from sandbox import SlackPeer
from storage.db import make_engine, read_only
from storage.models import CLICK_PENDING, CLICK_RUNNING, QueuedClick
from tests import factories as f
from tests.conftest import INTAKE_TOKEN, SIGNING_SECRET
from tests.e2e.test_serve import serve_process
from tests.e2e.test_two_instances import add_leads, dms_naming, nudge_dms
from tests.helpers import wait_for

pytestmark = pytest.mark.timeout(120)
PROCESS = {"HANDSHAKE_DELIVERY": "process"}


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc), zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def post_lead(url: str, **overrides: object) -> dict:
    auth = {"Authorization": f"Bearer {INTAKE_TOKEN}"}
    response = httpx.post(url + "/api/leads", json=f.lead_body(**overrides), headers=auth)
    assert response.status_code == 202, response.text
    return response.json()


def metric(url: str, line_start: str) -> float:
    for line in httpx.get(url + "/metrics").text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


DELIVERED = 'handshake_delivery_attempts_total{lane="slack",outcome="delivered"}'


def test_cards_go_out_once_from_the_child_and_metrics_count_them(tmp_path, slack):
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS) as (url, proc):
        [child] = wait_for(lambda: children(proc.pid), timeout=10)
        wait_for(lambda: httpx.get(url + "/readyz").status_code == 200, timeout=10)
        owner = post_lead(url)["owner"]
        dm = slack.state.dm_channel_id(owner)
        wait_for(lambda: slack.state.messages(dm) and slack.state.messages(f.CHANNEL), timeout=10)
        wait_for(lambda: metric(url, DELIVERED) >= 2, timeout=5)
        time.sleep(1.5)  # a tick or more of the child: nothing twice
        assert len(slack.state.messages(dm)) == 1 and len(slack.state.messages(f.CHANNEL)) == 1
        assert metric(url, DELIVERED) == 2
        assert metric(url, 'handshake_delivery_seconds_count{lane="slack"}') == 2
        assert children(proc.pid) == [child]  # still the same one


def test_a_nudge_due_is_sent_once_by_the_child(tmp_path, slack):
    slack.state.now = time.time
    url_db = f"sqlite:///{tmp_path / 'serve.db'}"
    config = parse_config(f.config_data())
    engine = prepare_database(url_db, config)
    [name] = add_leads(engine, config, [datetime.now(UTC) - timedelta(hours=5)])
    engine.dispose()
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS):
        wait_for(lambda: dms_naming(slack, name) >= 1, timeout=20)
        time.sleep(2.5)  # more ticks: no second nudge
    assert dms_naming(slack, name) == 1
    assert len(nudge_dms(slack)) == 1


def test_a_child_that_dies_fails_readyz_until_another_takes_over(tmp_path, slack):
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS) as (url, proc):
        [child] = wait_for(lambda: children(proc.pid), timeout=10)
        wait_for(lambda: httpx.get(url + "/readyz").status_code == 200, timeout=10)
        os.kill(child, signal.SIGKILL)
        answer = wait_for(lambda: _not_ready(url), timeout=10)
        assert answer["problems"] == {
            "delivery_process": "the delivery process exited with code -9"
        }
        owner = post_lead(url)["owner"]  # intake still stores and answers meanwhile
        [again] = wait_for(lambda: [c for c in children(proc.pid) if c != child], timeout=10)
        wait_for(lambda: httpx.get(url + "/readyz").status_code == 200, timeout=10)
        dm = slack.state.dm_channel_id(owner)
        wait_for(lambda: slack.state.messages(dm), timeout=10)  # the new child delivers it
        assert children(proc.pid) == [again]


def _not_ready(url: str) -> dict | None:
    answer = httpx.get(url + "/readyz")
    return answer.json() if answer.status_code == 503 else None


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_child_never_outlives_serve(tmp_path, slack, how):
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS) as (_url, proc):
        [child] = wait_for(lambda: children(proc.pid), timeout=10)
        os.kill(proc.pid, how)
        proc.wait(timeout=20)
        wait_for(lambda: not alive(child), timeout=20)


def accept_card(url: str, slack, owner: str) -> httpx.Response:
    """The owner clicks Accept on their DM card, as Slack sends it to `serve`."""
    [card] = slack.state.messages(slack.state.dm_channel_id(owner))
    handoff_id = card.metadata["event_payload"]["handoff_id"]
    peer = SlackPeer(slack.state, url + "/slack/events", SIGNING_SECRET)
    return peer.click(
        owner, ids.ACCEPT, str(handoff_id), message_channel=card.channel, message_ts=card.ts
    )


def clicks_in(tmp_path: Path) -> list[tuple[str, int]]:
    """The queued clicks' (status, attempts), once none is still waiting or running.

    The card's edit goes out through the outbox while the click's listener may still be
    answering the clicker, so the row settles a moment after the card shows the decision."""
    return wait_for(lambda: _settled(_clicks(tmp_path)), timeout=10)


def _settled(rows: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
    waiting = (CLICK_PENDING, CLICK_RUNNING)
    return rows if rows and all(status not in waiting for status, _ in rows) else None


def _clicks(tmp_path: Path) -> list[tuple[str, int]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'serve.db'}")
    try:
        with read_only(engine) as session:
            rows = session.exec(select(QueuedClick)).all()
            return [(row.status, row.attempts) for row in rows]
    finally:
        engine.dispose()


def test_an_accept_is_acked_by_serve_and_decided_by_the_child(tmp_path, slack):
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS) as (url, _proc):
        owner = post_lead(url)["owner"]
        dm = slack.state.dm_channel_id(owner)
        wait_for(lambda: slack.state.messages(dm), timeout=10)
        assert accept_card(url, slack, owner).status_code == 200
        wait_for(lambda: slack.state.messages(dm)[0].edited is not None, timeout=10)
        assert "Accepted" in str(slack.state.messages(dm)[0].blocks)
        wait_for(lambda: slack.state.home(owner) is not None, timeout=10)  # the child's Home
        assert clicks_in(tmp_path) == [("done", 1)]


def test_a_click_while_the_child_is_down_is_done_by_the_next_one(tmp_path, slack):
    with serve_process(tmp_path, slack, f.config_data(), **PROCESS) as (url, proc):
        owner = post_lead(url)["owner"]
        dm = slack.state.dm_channel_id(owner)
        wait_for(lambda: slack.state.messages(dm), timeout=10)
        [child] = children(proc.pid)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: _not_ready(url), timeout=10)
        assert accept_card(url, slack, owner).status_code == 200  # acked all the same
        wait_for(lambda: [c for c in children(proc.pid) if c != child], timeout=10)
        wait_for(lambda: slack.state.messages(dm)[0].edited is not None, timeout=15)
        assert clicks_in(tmp_path) == [("done", 1)]
