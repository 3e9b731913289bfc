"""The whole sandbox workspace as plain JSON (`GET /_sandbox/state`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from bot.sandbox.models import JSON

if TYPE_CHECKING:
    from bot.sandbox.state import SandboxState


def snapshot(state: SandboxState) -> JSON:
    """Users, channels with their messages (metadata included), ephemerals, open modals,
    App Home views, uploaded files (without their bytes) and a summary of the call log.
    Call it under `state.lock`."""
    store = state.message_store
    views = state.view_store
    return {
        "version": state.version,
        "bot": {"user_id": state.bot_user_id, "bot_id": state.bot_id},
        "users": [asdict(u) for u in state.users.values()],
        "channels": [
            {
                **asdict(c),
                "messages": [
                    m.to_slack(include_metadata=True) for m in store.channels.get(c.id, [])
                ],
            }
            for c in state.channels.values()
        ],
        "ephemerals": [
            {k: v for k, v in asdict(e).items() if k != "earlier_blocks"} for e in store.ephemerals
        ],
        "modals": {u: [v.to_slack() for v in stack] for u, stack in views.stacks.items() if stack},
        "homes": {u: v.to_slack() for u, v in views.homes.items()},
        "files": [
            {**f.to_slack(state.base_url), "complete": f.complete}
            for f in state.file_store.files.values()
        ],
        "calls": [
            {"method": c.method, "status": c.status, "ok": c.ok, "at": c.at}
            | ({"error": c.response["error"]} if "error" in c.response else {})
            for c in state.calls()
        ],
    }
