"""`handshake serve`: HTTP server, Bolt listeners, delivery worker, in one process."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
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
from bot.delivery.jobs import LANE_JOBS
from bot.delivery.jobs.webhook import TIMEOUT
from bot.delivery.pacing import Pacer
from bot.delivery.policy import OutsideRetry, SlackRetry
from bot.observability.metrics import Metrics
from bot.runtime import Runtime
from bot.scheduler import learn_time_zone, start_scheduler
from bot.services.config_reload import ReloadOutcome, reload_config, seeds, write_status
from bot.services.contract_log import record_contract
from bot.settings import Settings
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
) -> DeliveryWorker:
    """One lane's delivery worker, given the lane's jobs and retry policy. The Slack lane
    gets the Slack client, the time-zone lookup it runs before writing to a person and
    (`paced`) Slack's rate limits kept ahead of time; an outside lane gets an HTTP client
    (one is made, with a 10 s timeout, if none given). `piece`: each row runs as one
    (`serve`: Slack's requests first, bot/foreground.py)."""
    yielding: dict[str, Any] = {"piece": piece} if piece is not None else {}
    if metrics is not None:
        yielding["metrics"] = metrics
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
    """Everything `serve` runs, built but not started: tests start it on a free port."""

    runtime: Runtime
    http_app: Starlette
    delivery: DeliveryThread  # the Slack lane
    socket_mode: object | None = None
    listeners: ListenerPool | None = None
    tick_seconds: float = 15
    scheduler: BackgroundScheduler | None = None
    outside: list[DeliveryThread] = field(default_factory=list)  # webhook and CRM lanes

    @property
    def lanes(self) -> list[DeliveryThread]:
        return [self.delivery, *self.outside]

    def use_config(self, config: HandshakeConfig) -> None:
        """A reload: the delivery workers hold the config for their jobs (`worker.config`)."""
        for lane in self.lanes:
            lane.worker.config = config

    def reload(self, path: str, pid_file: str | None = None) -> ReloadOutcome:
        """SIGHUP: read the config again; a bad one is refused and the old one stays."""
        outcome = reload_config(self.runtime, path, client=self.delivery.worker.client)
        if pid_file:
            write_status(pid_file, outcome)
        return outcome

    def wake(self) -> None:
        """After a commit: every lane looks for work."""
        for lane in self.lanes:
            lane.wake()

    def start_background(self) -> None:
        for lane in self.lanes:
            lane.start()
        self.scheduler = start_scheduler(self.runtime, self.tick_seconds, self.delivery.worker)
        if self.socket_mode is not None:
            threading.Thread(
                target=self._connect_socket_mode, name="handshake-socket-mode", daemon=True
            ).start()

    def _connect_socket_mode(self) -> None:
        """Connect, retrying while Slack is unreachable; intake keeps working meanwhile."""
        delay = 1.0
        while not self.delivery.stopped:
            try:
                self.socket_mode.connect()  # type: ignore[union-attr]
                log.info("socket mode connected")
                return
            except Exception as exc:
                log.warning("socket mode connect failed, retry in %.0fs: %s", delay, exc)
                time.sleep(delay)
                delay = min(delay * 2, 60)

    def stop_background(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        for lane in self.lanes:
            lane.stop()
            if lane.worker.http is not None:
                lane.worker.http.close()
        if self.socket_mode is not None:
            self.socket_mode.close()  # type: ignore[attr-defined]
        if self.listeners is not None:
            self.listeners.shutdown(wait=True, cancel_futures=True)


def build_service(
    settings: Settings, config: HandshakeConfig, *, engine: Engine, clock: Clock = utcnow
) -> Service:
    assert settings.slack_bot_token and settings.slack_signing_secret
    web = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    worker_client = WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[],
    )
    runtime = Runtime(engine=engine, config=config, clock=clock)
    worker = build_worker(
        engine=engine,
        config=config,
        client=worker_client,
        clock=runtime.clock,
        paced=settings.slack_pacing,
        piece=runtime.foreground.piece,
        metrics=runtime.metrics,
    )
    delivery = DeliveryThread(worker, settings.tick_seconds)
    outside = [
        DeliveryThread(
            build_worker(
                engine=engine,
                config=config,
                client=None,
                clock=runtime.clock,
                lane=lane,
                piece=runtime.foreground.piece,
                metrics=runtime.metrics,
            ),
            settings.tick_seconds,
            name=f"handshake-delivery-{lane}",
        )
        for lane in OUTSIDE_LANES
    ]
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
        delivery,
        socket_mode,
        listeners,
        settings.tick_seconds,
        outside=outside,
    )
    runtime.wake = service.wake
    for lane in service.lanes:
        runtime.readiness.add(lane.name, lane.problem)
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
    try:
        uvicorn.run(service.http_app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        service.stop_background()
        _remove(settings.pid_file)


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
