"""`handshake serve`: HTTP server, Bolt listeners, delivery worker, in one process."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy import Engine
from starlette.applications import Starlette

from bot.api import create_http_app
from bot.app import create_app
from bot.clock import Clock, utcnow
from bot.config import HandshakeConfig
from bot.delivery import DeliveryThread, DeliveryWorker
from bot.delivery.child import DeliveryProcess, die_with_parent, holder_from_parent
from bot.delivery.jobs import LANE_JOBS
from bot.delivery.jobs.webhook import TIMEOUT
from bot.delivery.pacing import Pacer
from bot.delivery.policy import OutsideRetry, SlackRetry
from bot.delivery.relay import Relay, RelayedMetrics
from bot.observability.metrics import Metrics
from bot.runtime import Runtime
from bot.scheduler import learn_time_zone, start_scheduler
from bot.services.config_reload import (
    ReloadOutcome,
    follow_reload,
    reload_config,
    seeds,
    write_status,
)
from bot.services.contract_log import record_contract
from bot.settings import Settings
from handlers.actions import one_click
from handlers.later import ClickRunner
from handlers.pool import ListenerPool
from storage.db import make_engine, unit_of_work
from storage.migrate import lock_setup, upgrade
from storage.models import LANE_CRM, LANE_SLACK, LANE_WEBHOOK
from storage.people import sync_people

log = logging.getLogger("handshake.server")


def prepare_database(url: str, config: HandshakeConfig) -> Engine:
    """Create or migrate the schema and load the roster."""
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        lock_setup(session.connection())  # instances starting together load it in turn
        sync_people(seeds(config), session=session)
    return engine


def build_worker(
    *,
    engine: Engine,
    config: HandshakeConfig,
    client: WebClient | None,
    clock: Clock,
    lane: str = LANE_SLACK,
    http: httpx.Client | None = None,
    paced: bool = True,
    piece: Callable[[], AbstractContextManager[object]] | None = None,
    metrics: Metrics | None = None,
    holder: str | None = None,
) -> DeliveryWorker:
    """One lane's delivery worker, given the lane's jobs and retry policy. The Slack lane
    gets the Slack client, the time-zone lookup it runs before writing to a person and
    (`paced`) Slack's rate limits kept ahead of time; an outside lane gets an HTTP client
    (one is made, with a 10 s timeout, if none given). `piece`: each row runs as one
    (`serve`: Slack's requests first, bot/foreground.py). `holder`: who the worker delivers
    as (default: a name of its own; `deliver`: the one its parent gave it)."""
    yielding: dict[str, Any] = {"piece": piece} if piece is not None else {}
    if metrics is not None:
        yielding["metrics"] = metrics
    if holder is not None:
        yielding["holder"] = holder
    if lane == LANE_SLACK:
        return DeliveryWorker(
            engine=engine,
            config=config,
            client=client,
            clock=clock,
            jobs=LANE_JOBS[lane],
            time_zones=learn_time_zone,
            policy=SlackRetry(),
            pacer=Pacer(engine) if paced else None,
            **yielding,
        )
    return DeliveryWorker(
        engine=engine,
        config=config,
        client=None,
        clock=clock,
        jobs=LANE_JOBS[lane],
        lane=lane,
        policy=OutsideRetry(),
        http=http or httpx.Client(timeout=TIMEOUT),
        **yielding,
    )


OUTSIDE_LANES = (LANE_WEBHOOK, LANE_CRM)


@dataclass
class Service:
    """Everything `serve` runs, built but not started: tests start it on a free port.
    Its background work runs on its own threads (`delivery`, `outside`, the scheduler) or,
    with HANDSHAKE_DELIVERY=process, in a child process (`child`)."""

    runtime: Runtime
    http_app: Starlette
    delivery: DeliveryThread | None  # the Slack lane (None: the child runs it)
    socket_mode: object | None = None
    listeners: ListenerPool | None = None
    tick_seconds: float = 15
    scheduler: BackgroundScheduler | None = None
    outside: list[DeliveryThread] = field(default_factory=list)  # webhook and CRM lanes
    child: DeliveryProcess | None = None
    client: WebClient | None = None  # the web side's Slack client
    _stopped: threading.Event = field(default_factory=threading.Event)

    @property
    def lanes(self) -> list[DeliveryThread]:
        return [self.delivery, *self.outside] if self.delivery is not None else []

    def use_config(self, config: HandshakeConfig) -> None:
        """A reload: the delivery workers hold the config for their jobs (`worker.config`)."""
        for lane in self.lanes:
            lane.worker.config = config

    def reload(self, path: str, pid_file: str | None = None) -> ReloadOutcome:
        """SIGHUP: read the config again; a bad one is refused and the old one stays."""
        client = self.delivery.worker.client if self.delivery is not None else self.client
        outcome = reload_config(self.runtime, path, client=client)
        if pid_file:
            write_status(pid_file, outcome)
        if self.child is not None and outcome.applied:
            self.child.reload()
        return outcome

    def wake(self) -> None:
        """After a commit: every lane looks for work."""
        for lane in self.lanes:
            lane.wake()
        if self.child is not None:
            self.child.wake()

    def start_background(self) -> None:
        if self.child is not None:
            self.child.start()
        else:
            start_work(self.lanes)
            worker = self.delivery.worker if self.delivery is not None else None
            self.scheduler = start_scheduler(self.runtime, self.tick_seconds, worker)
        if self.socket_mode is not None:
            threading.Thread(
                target=self._connect_socket_mode, name="handshake-socket-mode", daemon=True
            ).start()

    def _connect_socket_mode(self) -> None:
        """Connect, retrying while Slack is unreachable; intake keeps working meanwhile."""
        delay = 1.0
        while not self._stopped.is_set():
            try:
                self.socket_mode.connect()  # type: ignore[union-attr]
                log.info("socket mode connected")
                return
            except Exception as exc:
                log.warning("socket mode connect failed, retry in %.0fs: %s", delay, exc)
                self._stopped.wait(delay)
                delay = min(delay * 2, 60)

    def stop_background(self) -> None:
        self._stopped.set()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        stop_work(self.lanes)
        if self.child is not None:
            self.child.stop()
        if self.socket_mode is not None:
            self.socket_mode.close()  # type: ignore[attr-defined]
        if self.listeners is not None:
            self.listeners.shutdown(wait=True, cancel_futures=True)


def start_work(lanes: list[DeliveryThread]) -> None:
    for lane in lanes:
        lane.start()


def stop_work(lanes: list[DeliveryThread]) -> None:
    for lane in lanes:
        lane.stop()
        if lane.worker.http is not None:
            lane.worker.http.close()


def build_lanes(
    settings: Settings,
    config: HandshakeConfig,
    runtime: Runtime,
    *,
    piece: Callable[[], AbstractContextManager[object]] | None = None,
    holder: str | None = None,
) -> list[DeliveryThread]:
    """The delivery lanes, built but not started: Slack's first, then webhooks and CRMs."""
    assert settings.slack_bot_token
    worker_client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[],
    )
    worker = build_worker(
        engine=runtime.engine,
        config=config,
        client=worker_client,
        clock=runtime.clock,
        paced=settings.slack_pacing,
        piece=piece,
        metrics=runtime.metrics,
        holder=holder,
    )
    outside = [
        DeliveryThread(
            build_worker(
                engine=runtime.engine,
                config=config,
                client=None,
                clock=runtime.clock,
                lane=lane,
                piece=piece,
                metrics=runtime.metrics,
                holder=holder,
            ),
            settings.tick_seconds,
            name=f"handshake-delivery-{lane}",
        )
        for lane in OUTSIDE_LANES
    ]
    return [DeliveryThread(worker, settings.tick_seconds), *outside]


def build_service(
    settings: Settings, config: HandshakeConfig, *, engine: Engine, clock: Clock = utcnow
) -> Service:
    assert settings.slack_bot_token and settings.slack_signing_secret
    web = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    runtime = Runtime(engine=engine, config=config, clock=clock)
    child: DeliveryProcess | None = None
    if settings.delivery == "process":
        child, lanes = DeliveryProcess(runtime.metrics, environ=settings.as_environment()), []
        runtime.defer_clicks = True  # one-click buttons' work: the child (handlers/later.py)
    else:
        lanes = build_lanes(settings, config, runtime, piece=runtime.foreground.piece)
    listeners = ListenerPool(work=8, foreground=runtime.foreground)
    bolt = create_app(
        runtime, client=web, signing_secret=settings.slack_signing_secret, executor=listeners
    )
    socket_mode = None
    if settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_mode = SocketModeHandler(bolt, settings.slack_app_token)
    http_app = create_http_app(
        runtime, bolt=None if socket_mode else bolt, intake_token=settings.intake_token
    )
    service = Service(
        runtime,
        http_app,
        lanes[0] if lanes else None,
        socket_mode,
        listeners,
        settings.tick_seconds,
        outside=lanes[1:],
        child=child,
        client=web,
    )
    runtime.wake = service.wake
    for lane in service.lanes:
        runtime.readiness.add(lane.name, lane.problem)
    if child is not None:
        runtime.readiness.add(child.name, child.problem)
    if socket_mode is not None:
        runtime.readiness.add("socket_mode", partial(socket_problem, socket_mode))
    runtime.on_config.append(service.use_config)
    return service


def socket_problem(handler: Any) -> str | None:
    """Socket Mode's connection to Slack, for /readyz."""
    return None if handler.client.is_connected() else "not connected to Slack"


def serve(settings: Settings, config: HandshakeConfig) -> None:
    engine = prepare_database(settings.database_url, config)
    service = build_service(settings, config, engine=engine)
    record_contract(service.runtime)  # a changed contract: its event and channel post, once
    if not settings.intake_token:
        log.warning("HANDSHAKE_INTAKE_TOKEN is not set: POST /api/leads refuses every request")
    service.start_background()
    _reload_on_hangup(service, settings.config_path, settings.pid_file)
    mode = "socket mode" if service.socket_mode else "HTTP mode on POST /slack/events"
    log.info("handshake serving http://%s:%s (%s)", settings.host, settings.port, mode)
    settle_heap()
    try:
        uvicorn.run(service.http_app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        service.stop_background()
        _remove(settings.pid_file)


def deliver(settings: Settings, config: HandshakeConfig) -> None:
    """`handshake deliver`: the background work alone (the delivery lanes, the one-click
    buttons' work after their ack, the SLA tick, the digest, housekeeping), as the child
    process of `serve` with HANDSHAKE_DELIVERY=process (bot/delivery/child.py). Runs until
    its stdin closes or SIGTERM; a byte on stdin wakes the lanes and the clicks; its metrics
    and problems go to the parent on stdout."""
    if not die_with_parent():
        return
    holder = holder_from_parent()  # before any work: a bad one is refused with its name
    out = Relay(sys.stdout)
    engine = make_engine(settings.database_url)  # serve migrated it before starting us
    runtime = Runtime(engine=engine, config=config, metrics=RelayedMetrics(out))
    lanes = build_lanes(settings, config, runtime, holder=holder)
    client = lanes[0].worker.client or WebClient()
    clicks = ClickRunner(runtime, client, one_click(), holder=holder)
    if holder is not None:  # a predecessor with this holder has exited: take back its work
        for lane in lanes:
            lane.worker.take_back()
        clicks.take_back()
    stop = threading.Event()

    def wake() -> None:
        for lane in lanes:
            lane.wake()
        clicks.wake()

    def use_config(new: HandshakeConfig) -> None:
        for lane in lanes:
            lane.worker.config = new

    runtime.wake = wake
    runtime.on_config.append(use_config)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(
        signal.SIGHUP,
        lambda *_: threading.Thread(
            target=follow_reload, args=(runtime, settings.config_path, lanes[0].worker.client),
            name="handshake-reload",
        ).start(),
    )  # fmt: skip
    settle_heap()
    start_work(lanes)
    clicks.start()
    scheduler = start_scheduler(runtime, settings.tick_seconds, lanes[0].worker)
    threading.Thread(target=_wakes, args=(wake, stop), name="handshake-wakes", daemon=True).start()
    log.info("delivery process running pid=%s", os.getpid())
    reported: object = object()
    while not out.broken:
        problems = [p for part in (*lanes, clicks) if (p := part.problem())]
        problem = "; ".join(problems) or None
        if problem != reported:
            out.send({"problem": problem})
            reported = problem
        if stop.wait(0.5):
            break
    scheduler.shutdown(wait=True)
    clicks.stop()
    stop_work(lanes)
    engine.dispose()
    log.info("delivery process stopped")


def settle_heap() -> None:
    """What start-up built (the modules, the config, the app, the engine) lives as long as
    the process: collect once, then move it out of the cyclic collector's reach
    (`gc.freeze`), so a full collection scans only what came after. Measured in `serve`
    under intake load (bench/README.md, sixth round): a full collection over the ~145,000
    objects of start-up stopped every thread for about 70 ms, twice a run, and each time
    the requests waiting took it in their latency; after the freeze it takes 2.5 ms."""
    gc.collect()
    gc.freeze()


def _wakes(wake: Callable[[], None], stop: threading.Event) -> None:
    """Each byte from the parent is a wake; the end of stdin (the parent closed it, or
    died) stops the process."""
    try:
        while os.read(sys.stdin.fileno(), 4096):
            wake()
    except OSError:
        pass
    stop.set()


def _reload_on_hangup(service: Service, config_path: str, pid_file: str) -> None:
    """`kill -HUP <pid>` (what `handshake reload` sends) reloads the config. The pid file
    tells `handshake reload` which process to signal. The reload runs on a thread of its
    own: a signal handler runs on the main thread, which is uvicorn's event loop."""

    def hangup(_signum: int, _frame: object) -> None:
        threading.Thread(
            target=_reload_logged, args=(service, config_path, pid_file), name="handshake-reload"
        ).start()

    signal.signal(signal.SIGHUP, hangup)
    Path(pid_file).write_text(f"{os.getpid()}\n")


def _reload_logged(service: Service, config_path: str, pid_file: str) -> None:
    try:
        service.reload(config_path, pid_file)
    except Exception:
        log.exception("config reload failed; the config in force stays")


def _remove(path: str) -> None:
    try:
        if Path(path).read_text().strip() == str(os.getpid()):
            Path(path).unlink()
    except OSError:
        pass
