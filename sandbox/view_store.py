"""Modals (a stack per user) and App Home tabs.

Does not lock: `SandboxState` calls it under its one lock.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable

from sandbox.models import JSON, SlackError, View

MAX_STACK = 3


class ViewStore:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._seq = itertools.count(1)
        self.by_id: dict[str, View] = {}
        self.stacks: dict[str, list[View]] = {}  # user -> open modals, bottom first
        self.homes: dict[str, View] = {}  # user -> published App Home

    def _new(self, user: str, payload: JSON, *, root: str | None, previous: str | None) -> View:
        view_id = f"V0SBX{next(self._seq):05d}"
        view = View(
            id=view_id,
            user=user,
            payload=payload,
            root_view_id=root or view_id,
            previous_view_id=previous,
            hash=self._hash(),
        )
        self.by_id[view_id] = view
        return view

    def _hash(self) -> str:
        return f"{int(self._now())}.{secrets.token_hex(4)}"

    def open(self, user: str, payload: JSON) -> View:
        _require_type(payload, "modal")
        view = self._new(user, payload, root=None, previous=None)
        self.stacks[user] = [view]
        return view

    def push(self, user: str, payload: JSON) -> View:
        _require_type(payload, "modal")
        stack = self.stacks.setdefault(user, [])
        if len(stack) >= MAX_STACK:
            raise SlackError("push_limit_reached")
        below = stack[-1] if stack else None
        view = self._new(
            user,
            payload,
            root=below.root_view_id if below else None,
            previous=below.id if below else None,
        )
        stack.append(view)
        return view

    def update(
        self,
        payload: JSON,
        *,
        view_id: str | None = None,
        external_id: str | None = None,
        expected_hash: str | None = None,
    ) -> View:
        view = self.find(view_id=view_id, external_id=external_id)
        if view is None:
            raise SlackError("not_found")
        if expected_hash and expected_hash != view.hash:
            raise SlackError("hash_conflict")
        _require_type(payload, view.type)
        view.remember_blocks(list(view.payload.get("blocks") or []))
        view.payload = payload
        view.hash = self._hash()
        view.errors = {}
        return view

    def publish(self, user: str, payload: JSON) -> View:
        _require_type(payload, "home")
        home = self.homes.get(user)
        if home is None:
            home = self.homes[user] = self._new(user, payload, root=None, previous=None)
        else:
            home.remember_blocks(list(home.payload.get("blocks") or []))
            home.payload, home.hash = payload, self._hash()
        return home

    def find(self, *, view_id: str | None = None, external_id: str | None = None) -> View | None:
        if view_id:
            return self.by_id.get(view_id)
        if external_id:
            return next(
                (v for v in self.by_id.values() if v.payload.get("external_id") == external_id),
                None,
            )
        return None

    def close(self, view_id: str) -> None:
        """Close a modal and any pushed on top of it."""
        view = self.by_id.get(view_id)
        stack = self.stacks.get(view.user, []) if view else []
        for index, open_view in enumerate(stack):
            if open_view.id == view_id:
                del stack[index:]
                return

    def open_modals(self, user: str) -> list[View]:
        return list(self.stacks.get(user, []))

    def apply_submission_answer(self, user: str, view_id: str, values: JSON, answer: JSON) -> None:
        """What Slack does with the app's answer to a view_submission: show `errors` under
        their blocks (keeping what was typed), `update` or `push` a view, `clear` the
        stack, or else close the submitted view."""
        action = answer.get("response_action")
        if action == "errors":
            found = self.find(view_id=view_id)
            if found is not None:
                found.state_values = values
                errors = answer.get("errors")
                found.errors = dict(errors) if isinstance(errors, dict) else {}
        elif action == "update":
            self.update(answer["view"], view_id=view_id)
        elif action == "push":
            self.push(user, answer["view"])
        elif action == "clear":
            self.stacks.pop(user, None)
        else:
            self.close(view_id)


def _require_type(payload: JSON, expected: str) -> None:
    if payload.get("type") != expected:
        raise SlackError(
            "invalid_arguments",
            response_metadata={"messages": [f"[ERROR] view type must be {expected}"]},
        )
