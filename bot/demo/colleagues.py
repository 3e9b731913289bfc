"""`Colleagues`: the demo company's people at work, so that a newcomer finds the SDR → AE
stage already under way.

For some of the feed's leads the SDR holding it accepts it, clicks **Meeting booked**,
fills the booking form (a meeting that just ended, the AE routing suggested, Yes / Unsure /
No per question with comments, a note) and submits it; then the AE accepts some meetings
into pipeline, sends some back naming a question, rejects some, and leaves the rest for
whoever tries the demo. Each step is what the page sends when a person clicks: a signed
block_actions or view_submission through the sandbox's `SlackPeer`, to the real bot; each
waits for what a person would see first (the card, the button, the modal). A lead someone
else acted on first is simply left alone.

Which leads, and what happens to them, follows `answers.FATES` in the order the leads were
routed; what the people write is in `answers`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from bot import ids
from bot.config import HandshakeConfig
from bot.demo.answers import ACCEPT, FATES, PENDING, SEND_BACK, YOURS, booking, decision
from sandbox import SlackPeer
from sandbox.forms import state_values
from sandbox.interactions import InteractionError
from sandbox.models import JSON, Message, View

log = logging.getLogger("handshake.demo")
GIVE_UP = 120.0  # seconds to wait for a card, button or modal before leaving the lead be
TICK = 0.2

Step = Generator[float, None, Any]  # yields: seconds to wait before being resumed


class GiveUp(Exception):
    pass


class Colleagues:
    """Start with `start()`; `lead_posted` (the feed's `after_post`) plans each lead; `stop()`.

    `pause`: seconds a person takes between seeing something and clicking; `fates`: what
    becomes of the routed leads, in turn (cycled)."""

    def __init__(
        self,
        peer: SlackPeer,
        config: HandshakeConfig,
        *,
        seed: int = 0,
        pause: float = 2.0,
        fates: Sequence[str] = FATES,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.peer, self.state, self.config, self.fates = peer, peer.state, config, tuple(fates)
        self.random, self.pause, self.now = random.Random(seed), pause, now
        self.routed = 0
        self.done: list[tuple[str, str]] = []  # (external_id, what happened), for tests
        self._tasks: list[tuple[float, Iterator[float]]] = []
        self._busy: set[str] = set()  # people in the middle of a form (the loop's thread only)
        self._forms: dict[str, str] = {}  # person -> the view id of the form we opened
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="handshake-demo-colleagues")
        self._thread.daemon = True

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def lead_posted(self, lead: dict[str, Any], answer: dict[str, Any]) -> None:
        if answer.get("status") != "routed":
            return
        fate = self.fates[self.routed % len(self.fates)]
        self.routed += 1
        owner = str(answer.get("owner"))
        person = self.config.person(owner)
        if fate == YOURS or person is None or person.role != "sdr":
            return  # yours, or an AE's own lead (its CRM owner): theirs to decide
        with self._lock:
            self._tasks.append((0.0, self._work(lead, owner, fate)))

    # -- the loop -------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            with self._lock:
                tasks, self._tasks = self._tasks, []
            kept = []
            for wake, task in tasks:
                if time.monotonic() < wake:
                    kept.append((wake, task))
                    continue
                try:
                    kept.append((time.monotonic() + next(task), task))
                except StopIteration:
                    pass
                except (GiveUp, InteractionError, httpx.HTTPError, LookupError) as exc:
                    log.info("demo colleague left a lead be: %r", exc)
                if self._stop.is_set():
                    return
            with self._lock:
                self._tasks = kept + self._tasks

    def _wait(self, found: Callable[[], Any], what: str) -> Step:
        deadline = time.monotonic() + GIVE_UP
        while (result := found()) is None:
            if time.monotonic() > deadline:
                raise GiveUp(f"no {what}")
            yield TICK
        if self.pause:
            yield self.pause
        return result

    # -- one lead ---------------------------------------------------------------------------

    def _work(self, lead: dict[str, Any], sdr: str, fate: str) -> Step:
        name = f"{lead['first_name']} {lead['last_name']}"
        card = yield from self._wait(lambda: self._lead_card(sdr, name, ids.ACCEPT), "card")
        self._check(self.peer.act(sdr, ids.ACCEPT, channel=card.channel, ts=card.ts))
        card = yield from self._wait(
            lambda: self._lead_card(sdr, name, ids.TOUCH_MEETING), "Meeting booked"
        )
        handoff_id = card.metadata["event_payload"]["handoff_id"]  # type: ignore[index]
        yield from self._turn(sdr)  # one form at a time: Slack shows a person one modal
        try:
            self._check(self.peer.act(sdr, ids.TOUCH_MEETING, channel=card.channel, ts=card.ts))
            form = yield from self._wait(
                lambda: self._modal(sdr, ids.MEETING_BOOK_MODAL, "handoff_id", handoff_id), "form"
            )
            self._forms[sdr] = form.id
            answers, weak = booking(self.random, self.config, fate, self.now())
            values = state_values(form.payload, answers)
            ae = values[ids.MEETING_AE_BLOCK][ids.MEETING_AE_INPUT]["selected_option"]["value"]
            seen = {m.ts for m in self._meeting_cards(ae, name)}
            self._submitted(self.peer.submit_view(sdr, form.id, values))
        finally:
            self._done_with(sdr)
        self.done.append((lead["external_id"], "booked"))
        if fate == PENDING:
            return
        card = yield from self._wait(
            lambda: next((m for m in self._meeting_cards(ae, name) if m.ts not in seen), None),
            "meeting card",
        )
        if fate == ACCEPT:
            self._check(self.peer.act(ae, ids.MEETING_ACCEPT, channel=card.channel, ts=card.ts))
        else:
            yield from self._turn(ae)
            try:
                yield from self._decide(ae, card, fate, weak)
            finally:
                self._done_with(ae)
        self.done.append((lead["external_id"], fate))

    def _decide(self, ae: str, card: Message, fate: str, weak: str) -> Step:
        """Send back or Reject: the button, then its form."""
        button, modal = (
            (ids.MEETING_SEND_BACK, ids.MEETING_SEND_BACK_MODAL)
            if fate == SEND_BACK
            else (ids.MEETING_REJECT, ids.MEETING_REJECT_MODAL)
        )
        self._check(self.peer.act(ae, button, channel=card.channel, ts=card.ts))
        meeting_id = card.metadata["event_payload"]["meeting_id"]  # type: ignore[index]
        form = yield from self._wait(
            lambda: self._modal(ae, modal, "meeting_id", meeting_id), "decision form"
        )
        self._forms[ae] = form.id
        answer = decision(
            self.random, self.config, fate, weak, _options(form.payload, ids.REASON_BLOCK)
        )
        values = state_values(form.payload, answer)
        self._submitted(self.peer.submit_view(ae, form.id, values))

    def _done_with(self, person: str) -> None:
        """End `person`'s turn; the form we opened, if still open (refused), is closed so
        that it blocks neither them nor their next turn."""
        self._busy.discard(person)
        form_id = self._forms.pop(person, None)
        if form_id and any(v.id == form_id for v in self.state.open_modals(person)):
            with contextlib.suppress(LookupError, httpx.HTTPError):
                self.peer.close_view(person, form_id)

    def _turn(self, person: str) -> Step:
        """Wait until `person` has no form open (one of ours, or one you opened acting as
        them: a new modal would replace it), then take their turn."""
        while person in self._busy or self.state.open_modals(person):
            yield TICK
        self._busy.add(person)

    # -- what the person sees ------------------------------------------------------------

    def _lead_card(self, user: str, name: str, action_id: str) -> Message | None:
        for message in self.state.messages(self.state.dm_channel_id(user)):
            payload = (message.metadata or {}).get("event_payload") or {}
            if payload.get("card") == "owner" and _shows(message, name, action_id):
                return message
        return None

    def _meeting_cards(self, user: str, name: str) -> list[Message]:
        return [
            m
            for m in self.state.messages(self.state.dm_channel_id(user))
            if ((m.metadata or {}).get("event_payload") or {}).get("card") == "meeting"
            and _shows(m, name, ids.MEETING_ACCEPT)
        ]

    def _modal(self, user: str, callback_id: str, key: str, value: object) -> View | None:
        for view in self.state.open_modals(user):
            if view.payload.get("callback_id") != callback_id:
                continue
            try:
                meta = json.loads(view.payload.get("private_metadata") or "{}")
            except ValueError:
                continue
            if isinstance(meta, dict) and meta.get(key) == value:
                return view
        return None

    @staticmethod
    def _check(response: httpx.Response) -> None:
        if response.status_code != 200:
            raise GiveUp(f"the bot answered {response.status_code}")

    def _submitted(self, response: httpx.Response) -> None:
        self._check(response)
        if response.content.strip() and response.json().get("response_action") == "errors":
            raise GiveUp(f"the form was refused: {response.json().get('errors')}")


def _shows(message: Message, name: str, action_id: str) -> bool:
    blocks = json.dumps(message.blocks, ensure_ascii=False)
    return name in blocks and f'"action_id": "{action_id}"' in blocks


def _options(view: JSON, block_id: str) -> list[JSON]:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("block_id") == block_id:
            return list((block.get("element") or {}).get("options") or [])
    return []
