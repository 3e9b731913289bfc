"""views.open / views.push / views.update / views.publish."""

from __future__ import annotations

from typing import Any

from sandbox.blockkit import check_view
from sandbox.models import JSON, SlackError, View
from sandbox.state import SandboxState


def _valid_view(view: Any) -> JSON:
    if view is None:
        raise SlackError("invalid_arguments", response_metadata={"messages": ["view is required"]})
    problems = check_view(view)
    if problems:
        raise SlackError(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )
    return dict(view)


def _answer(view: View) -> JSON:
    return {"view": view.to_slack()}


def views_open(state: SandboxState, p: JSON) -> JSON:
    payload = _valid_view(p.get("view"))
    with state.lock:
        user = state.triggers.redeem(p.get("trigger_id"))
        return _answer(state.view_store.open(user, payload))


def views_push(state: SandboxState, p: JSON) -> JSON:
    payload = _valid_view(p.get("view"))
    with state.lock:
        user = state.triggers.redeem(p.get("trigger_id"))
        return _answer(state.view_store.push(user, payload))


def views_update(state: SandboxState, p: JSON) -> JSON:
    payload = _valid_view(p.get("view"))
    if not p.get("view_id") and not p.get("external_id"):
        raise SlackError("invalid_arguments", detail="view_id or external_id is required")
    with state.lock:
        view = state.view_store.update(
            payload,
            view_id=p.get("view_id") or None,
            external_id=p.get("external_id") or None,
            expected_hash=p.get("hash") or None,
        )
        return _answer(view)


def views_publish(state: SandboxState, p: JSON) -> JSON:
    payload = _valid_view(p.get("view"))
    with state.lock:
        user = str(p.get("user_id") or "")
        if user not in state.users:
            raise SlackError("user_not_found")
        return _answer(state.view_store.publish(user, payload))


METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
