"""Slack's requests first: background work waits its turn while a request waits for its
answer, one piece per interval across all threads, and goes at once when none waits."""

from __future__ import annotations

import threading
import time

from bot.foreground import Foreground


def test_with_no_request_waiting_background_work_never_waits():
    gate = Foreground(interval=60)
    for _ in range(3):
        gate.give_way()  # an interval of a minute: any wait would hang the test
    assert gate.waiting == 0


def test_while_a_request_waits_pieces_go_one_per_interval_across_threads():
    gate = Foreground(interval=0.05)
    answered = gate.arrived()
    started: list[float] = []
    lock = threading.Lock()

    def piece() -> None:
        gate.give_way()
        with lock:
            started.append(time.monotonic())

    threads = [threading.Thread(target=piece) for _ in range(4)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    answered()
    gaps = [b - a for a, b in zip(sorted(started), sorted(started)[1:], strict=False)]
    assert len(started) == 4
    assert all(gap >= 0.045 for gap in gaps), gaps  # one piece per interval, never two
    assert sorted(started)[-1] - begin >= 0.14


def test_the_answer_lets_waiting_work_go_at_once_and_counts_once():
    gate = Foreground(interval=60)
    answered = gate.arrived()
    other = gate.arrived()
    gate.give_way()  # the first piece takes this interval's turn
    went = threading.Event()
    waiter = threading.Thread(target=lambda: (gate.give_way(), went.set()))
    waiter.start()
    assert not went.wait(0.1)  # its turn is a minute away while requests wait
    answered()
    answered()  # a second call changes nothing: the other request still waits
    assert gate.waiting == 1
    assert not went.wait(0.1)
    other()
    assert went.wait(2)
    waiter.join()
    assert gate.waiting == 0


def test_a_slack_request_counts_as_waiting_until_its_answer_is_ready():
    from slack_bolt import App
    from slack_bolt.authorization import AuthorizeResult
    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from bot.api.slack import slack_endpoint
    from sandbox import payloads

    gate = Foreground()
    seen: list[int] = []
    bolt = App(  # no Web API call: the token is known, not looked up
        signing_secret="secret",
        authorize=lambda **_: AuthorizeResult(
            enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UBOT"
        ),
    )

    @bolt.action("probe")
    def probe(ack):
        seen.append(gate.waiting)
        ack()

    http = Starlette(routes=[Route("/slack/events", slack_endpoint(bolt, gate), methods=["POST"])])
    body, content_type = payloads.block_actions(
        "U0AE00001", "probe", "1", channel_id="D1", message_ts="1.0",
        response_url="http://127.0.0.1:9/r", trigger_id="t.1",
    )  # fmt: skip
    headers = {"Content-Type": content_type, **payloads.sign("secret", body, int(time.time()))}
    with TestClient(http) as client:
        answer = client.post("/slack/events", content=body, headers=headers)
        bad = client.post(
            "/slack/events", content=body, headers={**headers, "X-Slack-Signature": "v0=bad"}
        )
    assert answer.status_code == 200
    assert bad.status_code == 401
    assert seen == [1]  # its own request, waiting while the listener ran
    assert gate.waiting == 0  # answered, refused or not
