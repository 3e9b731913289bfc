"""The pacer hands a bucket's tokens out in the order the calls asked for them: a call that
has waited longest is never overtaken by newer ones, however many there are."""

from __future__ import annotations

import threading
import time

from bot.delivery.pacing import Pacer, Tier

FAST = Tier(per_minute=600, burst=1, margin=1.0)  # a token every 100 ms, none saved up


def queued(pacer: Pacer, key: str) -> int:
    with pacer._turn:
        return len(pacer._queues.get(key, ()))


def test_waiting_calls_take_a_buckets_tokens_in_the_order_they_asked(engine):
    pacer = Pacer(engine, tiers={"chat_update": FAST})
    assert pacer.acquire("chat_update", "C1")  # the bucket's one token: the rest must wait
    order: list[int] = []
    threads = []
    for i in range(8):
        thread = threading.Thread(
            target=lambda i=i: pacer.acquire("chat_update", "C1") and order.append(i)
        )
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while queued(pacer, "chat.update") + len(order) < i + 1:
            assert time.monotonic() < deadline
            time.sleep(0.001)
    for thread in threads:
        thread.join(10)
    assert order == list(range(8))
    assert pacer._queues == {}  # nothing left behind


def test_stop_ends_every_queued_wait(engine):
    slow = Tier(per_minute=1, burst=1, margin=1.0)
    pacer = Pacer(engine, tiers={"chat_update": slow})
    assert pacer.acquire("chat_update", None)
    answers: list[bool] = []
    threads = [
        threading.Thread(target=lambda: answers.append(pacer.acquire("chat_update", None)))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while queued(pacer, "chat.update") < 3:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    pacer.stop.set()
    for thread in threads:
        thread.join(5)
    assert answers == [False, False, False]
    assert pacer._queues == {}
