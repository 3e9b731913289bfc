"""Slack's requests first: while a request waits for its answer, pieces of background work
take turns, one at a time with a gap between them; with none waiting they run at once,
side by side."""

from __future__ import annotations

import itertools
import threading
import time

from bot.foreground import Foreground


def test_with_no_request_waiting_pieces_run_at_once_and_side_by_side():
    gate = Foreground(interval=60)
    with gate.piece(), gate.piece():  # an interval of a minute: any wait would hang
        pass
    assert gate.waiting == 0


def test_while_a_request_waits_pieces_run_one_at_a_time_with_a_gap():
    gate = Foreground(interval=0.05)
    answered = gate.arrived()
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def piece() -> None:
        with gate.piece():
            start = time.monotonic()
            time.sleep(0.02)
            end = time.monotonic()
        with lock:
            spans.append((start, end))

    threads = [threading.Thread(target=piece) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    answered()
    spans.sort()
    assert len(spans) == 4
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    assert all(gap >= 0.045 for gap in gaps), gaps  # never two at once, a gap between


def test_the_answer_lets_waiting_pieces_go_at_once_and_counts_once():
    gate = Foreground(interval=60)
    answered = gate.arrived()
    other = gate.arrived()
    with gate.piece():
        pass  # this one took the turn: the next is a minute away while requests wait
    went = threading.Event()

    def wait_then_go() -> None:
        with gate.piece():
            went.set()

    waiter = threading.Thread(target=wait_then_go)
    waiter.start()
    assert not went.wait(0.1)
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
        bad_headers = {**headers, "X-Slack-Signature": "v0=bad"}
        bad = client.post("/slack/events", content=body, headers=bad_headers)
    assert answer.status_code == 200
    assert bad.status_code == 401
    assert seen == [1]  # its own request, waiting while the listener ran
    assert gate.waiting == 0  # answered, refused or not
