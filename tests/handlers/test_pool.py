"""The listener pool: a click's work after its ack gives way to Slack's requests still
waiting for their answer, and holds one of the pool's work slots."""

from __future__ import annotations

import threading

from bot.foreground import Foreground
from handlers.pool import ListenerPool


def test_work_after_the_ack_waits_while_another_request_waits_for_its_answer():
    gate = Foreground(interval=60)
    pool = ListenerPool(work=2, foreground=gate)
    waiting = gate.arrived()
    with gate.piece():
        pass  # other background work took this interval's turn
    worked = threading.Event()

    def listener() -> None:
        pool.after_ack()
        worked.set()

    future = pool.submit(listener)
    assert not worked.wait(0.2)
    waiting()
    assert worked.wait(2)
    future.result(timeout=2)
    pool.shutdown()


def test_a_listener_s_turn_ends_with_it_so_the_next_piece_may_go():
    gate = Foreground(interval=0)
    pool = ListenerPool(work=2, foreground=gate)
    waiting = gate.arrived()
    release, inside = threading.Event(), threading.Event()

    def listener() -> None:
        pool.after_ack()
        inside.set()
        release.wait(5)

    future = pool.submit(listener)
    assert inside.wait(2)
    went = threading.Event()

    def next_piece() -> None:
        with gate.piece():
            went.set()

    other = threading.Thread(target=next_piece)
    other.start()
    assert not went.wait(0.2)  # one piece at a time while a request waits
    release.set()
    future.result(timeout=2)
    assert went.wait(2)  # the listener's turn ended with it
    other.join()
    waiting()
    pool.shutdown()


def test_at_most_work_listeners_go_on_past_their_ack():
    pool = ListenerPool(work=1, foreground=Foreground())
    release = threading.Event()
    inside: list[int] = []

    def listener(n: int) -> None:
        pool.after_ack()
        inside.append(n)
        release.wait(5)

    first = pool.submit(listener, 1)
    second = pool.submit(listener, 2)
    threading.Event().wait(0.2)
    assert inside == [1]
    release.set()
    first.result(timeout=2)
    second.result(timeout=2)
    assert inside == [1, 2]
    pool.shutdown()
