"""A one-click button's work after its ack, done by the delivery process.

With `serve`'s delivery process (HANDSHAKE_DELIVERY=process, `runtime.defer_clicks`), a
one-click button (no form to open: a form needs the click's trigger_id within 3 s) is
answered and queued by the web process, and nothing more: the ack goes to Slack, then the
click's request key is claimed and the click queued in one transaction
(`storage/clicks.queue_click`; a replay is dropped there, as in handlers/dedupe.py), and
the delivery process is woken. The delivery process (`ClickRunner`, started by `handshake
deliver`) runs the button's own listener on the queued body, with Slack's answer already
sent: the decision, the ephemeral answer through the click's response_url, the Home
refresh. So the web process does about what a bare Bolt app does, and each click's work
no longer shares its interpreter with the acks of the clicks that follow.

Without the delivery process (HANDSHAKE_DELIVERY=thread, the tests' bot, the demo), the
listener runs in the web process as it always did.

A click taken by a delivery process that then died is taken again a minute later
(`storage/clicks.STALE`), or at once by the delivery process `serve` starts in its place
(the same holder: `ClickRunner.take_back`). Its decision is a compare-and-set, so it is
made once; the clicker may then be told it was already made. After `MAX_ATTEMPTS` the
click fails and the clicker is told something went wrong on our side."""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from handlers.answers import tell_failure
from handlers.dedupe import ClaimingAck
from storage.clicks import finish_click, queue_click, take_back_clicks, take_clicks
from storage.db import unit_of_work

log = logging.getLogger("handshake.clicks")
Listener = Callable[..., None]
MAX_ATTEMPTS = 3  # a click whose process died this often gives up, and says so
WORKERS = 8  # clicks worked on at once by one delivery process
TICK_SECONDS = 1.0  # a pass without a wake: clicks queued by another instance, stale ones
FAILED_PASS_CAP = 30.0  # seconds between passes at most while they keep failing


def deferrable(listener: Listener) -> Listener:
    """`listener`, queued for the delivery process when `serve` has one, else run here.
    Bolt passes arguments by name: the wrapper asks for all five and hands the listener
    the ones it names."""

    def deferred(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
    ) -> None:
        if runtime.defer_clicks and isinstance(ack, ClaimingAck):
            queue_after_ack(ack, body, runtime)
            return
        call(listener, ack=ack, body=body, respond=respond, client=client, runtime=runtime)

    deferred.__name__ = deferred.__qualname__ = f"deferred_{listener.__name__}"
    return deferred


def call(listener: Listener, **given: Any) -> None:
    """Call `listener` with the arguments it names, as Bolt would."""
    listener(**{name: given[name] for name in _names(listener)})


@cache
def _names(listener: Listener) -> tuple[str, ...]:
    """A listener's parameter names, read once (not on every click)."""
    return tuple(inspect.signature(listener).parameters)


def queue_after_ack(ack: ClaimingAck, body: dict[str, Any], runtime: Runtime) -> None:
    """Ack, then claim the request and queue the click in one transaction; a replay raises
    `Replayed` from the ack, as any click's does."""
    action = _first_action(body)
    ack.claim_by(
        partial(_queue, runtime, ack.key, str(action.get("action_id") or ""), _user_id(body), body)
    )
    ack()
    runtime.wake()


def _queue(runtime: Runtime, key: str, action_id: str, user_id: str, body: dict[str, Any]) -> bool:
    with unit_of_work(runtime.engine) as session:
        return queue_click(key, action_id, user_id, body, session=session, now=runtime.clock())


def _first_action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return first if isinstance(first, dict) else {}


def _user_id(body: dict[str, Any]) -> str:
    user = body.get("user")
    return str(user.get("id") or "") if isinstance(user, dict) else ""


@dataclass(frozen=True)
class Taken:
    """A queued click as taken (plain data: the session that read it is closed)."""

    id: int
    action_id: str
    body: dict[str, Any]
    attempts: int


class ClickRunner:
    """The delivery process's side: takes queued clicks (on a wake from the web process,
    and every `tick` seconds) and runs each one's listener on a pool of `workers` threads,
    one click per free thread, so no click waits taken but idle."""

    def __init__(
        self,
        runtime: Runtime,
        client: WebClient,
        listeners: Mapping[str, Listener],
        *,
        workers: int = WORKERS,
        tick: float = TICK_SECONDS,
        holder: str | None = None,
    ) -> None:
        self.runtime, self.client, self.listeners = runtime, client, listeners
        self.holder = holder  # the delivery holder it takes clicks as (None: nobody's)
        self._workers, self._tick = workers, tick
        self._busy, self._lock = 0, threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="handshake-click")
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="handshake-clicks", daemon=True)
        self._failures = 0  # passes failed in a row (the database is down)

    @property
    def name(self) -> str:
        return self._thread.name

    def start(self) -> None:
        self._thread.start()

    def take_back(self) -> int:
        """Before starting, in a delivery process started again by its parent with the same
        holder: the clicks its predecessor left running are taken again at once, not a
        minute later (each decision is a compare-and-set: made once)."""
        if self.holder is None:
            return 0
        with unit_of_work(self.runtime.engine) as session:
            taken = take_back_clicks(self.holder, session=session)
        if taken:
            log.warning("queued clicks taken_back=%d the previous delivery process left", taken)
        return taken

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._pool.shutdown(wait=True)

    def problem(self) -> str | None:
        """For /readyz: the runner's thread crashed (a failing pass only backs off)."""
        if self._thread.ident is not None and not self._thread.is_alive():
            return None if self._stop.is_set() else f"{self.name} crashed"
        return None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                took = self.run_once()
            except Exception as exc:
                self._failures += 1
                delay = min(FAILED_PASS_CAP, 2.0 ** (self._failures - 1))
                log.warning("taking queued clicks failed, again in %.0fs: %s", delay, exc)
                self._stop.wait(delay)
                continue
            if self._failures:
                log.info("taking queued clicks works again")
                self._failures = 0
            if not took:
                self._wake.wait(self._tick)

    def run_once(self) -> int:
        """Take as many clicks as there are free threads and start them; how many."""
        with self._lock:
            free = self._workers - self._busy
        if free <= 0:
            return 0
        taken = self._take(free)
        for click in taken:
            with self._lock:
                self._busy += 1
            self._pool.submit(self._run, click)
        return len(taken)

    def run_pending(self) -> int:
        """Take and run every click waiting, here and now, one at a time (a test's step,
        or a process without threads); how many ran."""
        ran = 0
        while True:
            taken = self._take(self._workers)
            if not taken:
                return ran
            for click in taken:
                self.perform(click)
            ran += len(taken)

    def _take(self, limit: int) -> list[Taken]:
        with unit_of_work(self.runtime.engine) as session:
            rows = take_clicks(
                session=session, now=self.runtime.clock(), limit=limit, holder=self.holder
            )
            return [Taken(r.id or 0, r.action_id, r.body or {}, r.attempts) for r in rows]

    def _run(self, click: Taken) -> None:
        try:
            self.perform(click)
        except Exception:
            log.exception("queued click %s could not be settled", click.id)
        finally:
            with self._lock:
                self._busy -= 1
            self._wake.set()  # a thread is free: look for more

    def perform(self, click: Taken) -> None:
        """Run one taken click's listener, then settle the row: done, or failed (and the
        clicker told, as for any listener that fails)."""
        runtime, body = self.runtime, click.body
        respond = Respond(response_url=body.get("response_url") or None)
        listener = self.listeners.get(click.action_id)
        error: str | None = None
        if listener is None:
            error = f"no listener for {click.action_id!r}"
        elif click.attempts > MAX_ATTEMPTS:
            error = f"given up after {MAX_ATTEMPTS} attempts"
        if error is None and listener is not None:
            try:
                call(
                    listener, ack=Ack(), body=body, respond=respond, client=self.client,
                    runtime=runtime,
                )  # fmt: skip
            except Exception as exc:
                log.exception("queued click failed action=%s id=%s", click.action_id, click.id)
                error = f"{type(exc).__name__}: {exc}"
        if error is not None:
            log.warning("queued click %s failed: %s", click.id, error)
            tell_failure(body, respond, self.client, runtime)
        with unit_of_work(runtime.engine) as session:
            finish_click(click.id, session=session, now=runtime.clock(), error=error)
