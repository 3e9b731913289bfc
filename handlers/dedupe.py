"""One effect per real click: a middleware that drops a Slack request it has handled
before (a retry with X-Slack-Retry-Num, or the same signed body replayed).

A request's identity is what Slack makes new for every real interaction: a click's
`action_ts` and `trigger_id` (with the element and where it sits), a form submission's
`trigger_id` and values, a slash command's `trigger_id`. A replay is answered 200 and
nothing is done; a click's key is claimed right after its ack, a form's before its
listener runs (see `skip_replays`). Events are de-duplicated by their event_id in
bot/app.py. Old keys are pruned by the scheduler's housekeeping."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, BoltResponse

from bot.runtime import Runtime
from storage.db import unit_of_work
from storage.requests import claim_request

log = logging.getLogger("handshake.handlers")
VIEW_SUBMISSION = "view_submission:"
AFTER_ACK = "after_ack"  # context key: what a click's ack calls once answered (ListenerPool)


def request_key(body: dict[str, Any]) -> str | None:
    """The identity of a click, form submission or slash command; None for anything else."""
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []
        parts: Any = [body.get("user"), body.get("trigger_id"), body.get("container"), actions]
    elif kind == "view_submission":
        view = body.get("view") if isinstance(body.get("view"), dict) else {}
        parts = [body.get("user"), body.get("trigger_id"), view.get("id"), view.get("state")]
    elif body.get("command") and body.get("trigger_id"):
        kind = "command"
        parts = [body.get(k) for k in ("user_id", "trigger_id", "command", "text")]
    else:
        return None
    canonical = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=True)
    return f"{kind}:{hashlib.sha256(canonical.encode()).hexdigest()}"


class Replayed(BaseException):
    """Raised by `ClaimingAck` in a listener whose request was handled before; Slack has
    had its answer by then. It stops the listener before any effect.

    A BaseException, not an Exception, for the same reason as `asyncio.CancelledError`:
    Bolt's runner catches any Exception a listener raises and, even after an ack, sets the
    response it is about to return to a 500 for a moment before putting it back; its
    waiting thread could read that 500 and send it to Slack (seen once on CI, for a
    retried click). Nothing catches a BaseException on its way out: the listener pool's
    thread ends, and the future nobody reads keeps it."""


class ClaimingAck(Ack):
    """Slack's answer first, then the claim: `ack()` hands Bolt the response (Bolt
    answers the HTTP request as soon as it sees it), then claims the request key in its
    own transaction and raises `Replayed` if it was claimed before, which stops the
    listener before any effect. So a click never waits on the write lock to be acked.

    Once answered, the response stays: Bolt's runner resets it to None when a listener
    raises after acking, and Bolt must not take that for a listener that never acked."""

    def __init__(
        self, claim: Callable[[], bool], key: str, after_ack: Callable[[], None] | None = None
    ) -> None:
        self._response: BoltResponse | None = None
        super().__init__()
        self._claim, self._key, self._claimed = claim, key, False
        self._after_ack = after_ack

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self._response is None:
            self._response = value

    @property
    def key(self) -> str:
        return self._key

    def claim_by(self, claim: Callable[[], bool]) -> None:
        """Claim with `claim` instead (before the ack): one that also queues the click's
        work in the claim's transaction (handlers/later.py)."""
        self._claim = claim

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        answer = super().__call__(*args, **kwargs)
        if not self._claimed:
            self._claimed = True
            if self._after_ack is not None:
                self._after_ack()
            if not self._claim():
                log.info("replayed slack request skipped key=%s", self._key)
                raise Replayed(self._key)
        return answer


def claim(runtime: Runtime, key: str) -> bool:
    """True the first time `key` is claimed (its own short write transaction)."""
    with unit_of_work(runtime.engine) as session:
        return claim_request(key, session=session, now=runtime.clock())


def skip_replays(body: dict[str, Any], context: dict[str, Any], next: Any) -> BoltResponse | None:
    """Bolt middleware: run the listener's effects only for a request seen the first time.

    A click or a slash command is acked before anything else (its listener's first
    call is `ack()`), so its claim rides on the ack (`ClaimingAck`). A form submission's
    answer depends on its effect (errors, or close), so its claim comes first, here."""
    key = request_key(body)
    runtime: Runtime | None = context.get("runtime")
    if key is None or runtime is None:
        next()
        return None
    if not key.startswith(VIEW_SUBMISSION):
        context["ack"] = ClaimingAck(partial(claim, runtime, key), key, context.get(AFTER_ACK))
        next()
        return None
    if not claim(runtime, key):
        log.info("replayed slack request skipped key=%s", key)
        return BoltResponse(status=200, body="")
    next()
    return None
