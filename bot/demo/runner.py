"""`Demo`: the sandbox, the bot wired to it as in production, and a feed of sample leads."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import signal
import sys
import threading
from collections.abc import Sequence

from sqlalchemy import Engine

from bot.demo.colleagues import FATES, Colleagues
from bot.demo.destinations import Destinations
from bot.demo.feed import LeadFeed
from bot.demo.leads import LeadGenerator
from bot.demo.roster import demo_config, populate
from bot.demo.wiring import connect_bot, database_url, demo_settings, free_port
from bot.server import Service, build_service, prepare_database
from sandbox import RunningServer, Sandbox, start_server

log = logging.getLogger("handshake.demo")
EXIT_BAD_INPUT = 2


class PortUnavailable(Exception):
    pass


class Demo:
    """Start with `start()` (returns the page's URL), end with `stop()`. Fresh tokens and,
    unless `db` names one, a fresh SQLite file in a temporary directory, every time."""

    def __init__(
        self,
        *,
        port: int = 8080,
        host: str = "127.0.0.1",
        db: str | None = None,
        leads: int = 5,
        every: float = 20,
        seed: int | None = None,
        colleagues: bool = True,
        pause: float = 2.0,
        fates: Sequence[str] = FATES,
    ) -> None:
        """`colleagues`: the demo's SDRs and AEs work some of the feed's leads on their own
        (see `Colleagues`: `fates` in turn), taking `pause` seconds before each click."""
        self.port, self.host, self.db, self.leads, self.every = port, host, db, leads, every
        self.seed = secrets.randbelow(2**32) if seed is None else seed
        self.with_colleagues, self.pause, self.fates = colleagues, pause, fates
        self.colleagues: Colleagues | None = None
        self.sandbox: Sandbox | None = None
        self.bot_server: RunningServer | None = None
        self.service: Service | None = None
        self.engine: Engine | None = None
        self.feed: LeadFeed | None = None
        self.destinations: Destinations | None = None
        self._saved_env: dict[str, str | None] = {}
        self.tempdir: str | None = None
        self.intake_url: str | None = None
        self.intake_token: str | None = None
        self._background = False

    def start(self) -> str:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> str:
        bot_token, signing_secret = f"xoxb-demo-{secrets.token_hex(12)}", secrets.token_hex(16)
        intake_token = self.intake_token = secrets.token_urlsafe(24)
        try:
            self.sandbox = Sandbox.start(bot_token, signing_secret, host=self.host, port=self.port)
        except (OSError, OverflowError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            hint = "free it or pick another with --port"
            raise PortUnavailable(
                f"cannot listen on {self.host}:{self.port} ({reason}); {hint}"
            ) from None
        destinations = self.destinations = Destinations.start(self.host)
        self._set_environment(destinations.environ)
        config = demo_config(destinations.config_data(), environ=os.environ)
        for panel in destinations.panels():
            self.sandbox.state.outside.add(panel)
        populate(self.sandbox.state, config)
        self.sandbox.state.rate_limit(True, per_second=1.0, burst=3)  # as Slack: ~1 post a second
        url, self.tempdir = database_url(self.db)
        self.engine = prepare_database(url, config)
        bot_port = free_port(self.host)
        settings = demo_settings(
            bot_token=bot_token,
            signing_secret=signing_secret,
            intake_token=intake_token,
            api_url=self.sandbox.api_url,
            database_url=url,
            host=self.host,
            port=bot_port,
        )
        self.service = build_service(settings, config, engine=self.engine)
        self.bot_server = start_server(self.service.http_app, host=self.host, port=bot_port)
        connect_bot(self.sandbox, self.bot_server.url + "/slack/events", signing_secret)
        self.intake_url = self.bot_server.url + "/api/leads"
        self.service.start_background()
        self._background = True
        if self.with_colleagues and self.leads > 0:
            peer = self.sandbox.peer(self.bot_server.url + "/slack/events")
            self.colleagues = Colleagues(
                peer, config, seed=self.seed, pause=self.pause, fates=self.fates
            )
            self.colleagues.start()
        generator = LeadGenerator(self.seed, prefix=f"demo-{secrets.token_hex(3)}-")
        self.feed = LeadFeed(
            self.bot_server.url,
            intake_token,
            generator,
            initial=self.leads,
            every=self.every,
            before_post=destinations.add_record,
            after_post=self.colleagues.lead_posted if self.colleagues else None,
        )
        self.feed.start()
        where = self.engine.url.render_as_string(hide_password=True)
        log.info(
            "demo started sandbox=%s bot=%s database=%s leads=%d every=%gs seed=%d",
            *(self.sandbox.url, self.bot_server.url, where, self.leads, self.every, self.seed),
        )
        return self.sandbox.url

    def stop(self) -> None:
        """Stop the feed, the delivery worker, both servers; remove the temporary files."""
        if self.feed is not None:
            self.feed.stop()
        if self.colleagues is not None:
            self.colleagues.stop()
        if self.service is not None and self._background:
            self.service.stop_background()
            self._background = False
        for server in (self.bot_server, self.sandbox, self.destinations):
            if server is not None:
                server.stop()
        self._restore_environment()
        if self.engine is not None:
            self.engine.dispose()
        if self.tempdir is not None:
            shutil.rmtree(self.tempdir, ignore_errors=True)
        self.feed = self.service = self.bot_server = self.sandbox = self.engine = None
        self.colleagues = None
        self.destinations = None
        self.tempdir = None

    def _set_environment(self, secrets_: dict[str, str]) -> None:
        """The stand-ins' secrets, where the config's `*_env` keys say (the CRM jobs read the
        process environment at each call, as in production); put back by `stop()`."""
        for name, value in secrets_.items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}


def run_demo(args: argparse.Namespace) -> int:
    """`handshake demo`: start, print the URL, wait for Ctrl-C or SIGTERM, stop."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    if args.leads < 0 or args.every < 0:
        print("handshake: --leads and --every must be 0 or more", file=sys.stderr)
        return EXIT_BAD_INPUT
    demo = Demo(port=args.port, db=args.db, leads=args.leads, every=args.every)
    stop = threading.Event()
    handlers = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        try:
            url = demo.start()
        except PortUnavailable as exc:
            print(f"handshake: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"Handshake demo: open {url}", flush=True)
        print(_hint(args.leads, args.every), flush=True)
        print(
            f"Post your own leads: curl -X POST {demo.intake_url} "
            f"-H 'Authorization: Bearer {demo.intake_token}' -d @lead.json",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
        log.info("demo stopping")
        return 0
    finally:
        demo.stop()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _hint(leads: int, every: float) -> str:
    if not leads:
        feed = "no sample leads (--leads 0)"
    else:
        later = f", then one every {every:g}s" if every else ""
        feed = f"{leads} sample leads arrive now{later}"
    return f"Act as anyone with the person switcher; {feed}. Ctrl-C stops."
