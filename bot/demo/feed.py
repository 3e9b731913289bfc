"""`LeadFeed`: posts sample leads to the bot's intake API, as marketing automation would."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx

from bot.demo.leads import LeadGenerator

log = logging.getLogger("handshake.demo")


class LeadFeed:
    """`initial` leads at once, then one every `every` seconds until `stop()`.

    `initial=0` posts nothing at all; `every=0` posts only the initial ones.
    """

    def __init__(
        self,
        bot_url: str,
        intake_token: str,
        generator: LeadGenerator,
        *,
        initial: int,
        every: float,
        before_post: Callable[[dict[str, Any]], None] | None = None,
        after_post: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    ) -> None:
        self.bot_url, self.intake_token, self.generator = bot_url, intake_token, generator
        self.before_post = before_post  # e.g. make the lead's record in its CRM first
        self.after_post = after_post  # (lead, the intake's answer): e.g. the colleagues' plan
        self.initial, self.every = initial, every
        self.posted: list[dict[str, object]] = []  # the intake answers, oldest first
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="handshake-demo-feed", daemon=True)

    def start(self) -> None:
        if self.initial > 0:
            self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.intake_token}"}
        with httpx.Client(base_url=self.bot_url, headers=headers, timeout=10) as http:
            for _ in range(self.initial):
                if self._stop.is_set():
                    return
                self._post(http)
            while self.every > 0 and not self._stop.wait(self.every):
                self._post(http)

    def _post(self, http: httpx.Client) -> None:
        lead = self.generator.next_lead()
        if self.before_post is not None:
            self.before_post(lead)
        try:
            response = http.post("/api/leads", json=lead)
        except httpx.HTTPError as exc:
            log.warning("demo lead external_id=%s not posted: %r", lead["external_id"], exc)
            return
        answer = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else {"error": response.text}
        )
        self.posted.append(answer)
        if self.after_post is not None and response.is_success:
            self.after_post(lead, answer)
        log.log(
            logging.DEBUG if response.is_success else logging.WARNING,
            "demo lead posted external_id=%s company=%r http=%s status=%s owner=%s",
            lead["external_id"],
            lead["company"],
            response.status_code,
            answer.get("status"),
            answer.get("owner"),
        )
