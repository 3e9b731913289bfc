"""One effect per real click: a middleware that drops a Slack request it has handled
before (a retry with X-Slack-Retry-Num, or the same signed body replayed).

A request's identity is what Slack makes new for every real interaction: a click's
`action_ts` and `trigger_id` (with the element and where it sits), a form submission's
`trigger_id` and values, a slash command's `trigger_id`. The key is claimed before the
listener runs (claim first), so a replay is answered 200 with nothing done. Events are
de-duplicated by their event_id in bot/app.py."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from slack_bolt import BoltResponse

from bot.runtime import Runtime
from storage.db import unit_of_work
from storage.requests import claim_request, prune_requests

log = logging.getLogger("handshake.handlers")


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


def skip_replays(body: dict[str, Any], context: dict[str, Any], next: Any) -> BoltResponse | None:
    """Bolt middleware: run the listener only for a request seen for the first time."""
    key = request_key(body)
    runtime: Runtime | None = context.get("runtime")
    if key is None or runtime is None:
        next()
        return None
    now = runtime.clock()
    with unit_of_work(runtime.engine) as session:
        first = claim_request(key, session=session, now=now)
        if first:
            prune_requests(session=session, now=now)
    if not first:
        log.info("replayed slack request skipped key=%s", key)
        return BoltResponse(status=200, body="")
    next()
    return None
