"""Outside systems shown on the page: panels that whoever runs the sandbox registers (the
demo registers its stand-in CRMs and its webhook receiver), read and broken through the
sandbox's own origin, so the page never talks to another one.

    state.outside.add(OutsidePanel(
        name="hubspot", label="HubSpot", kind="records",
        snapshot=lambda: {"records": [...]},
        faults={"500": ("Answer 500", lambda times: ...)},
        clear=lambda: ...,
    ))

Routes (added to `create_web_api`'s app):
- `GET /_sandbox/outside`: `{"panels": [{name, label, kind, faults: [{kind, label}], data}]}`,
  `data` being what the panel's `snapshot()` returns now (`kind` tells the page how to show
  it: "records" `{records: [{id, title, status, fields, items}]}` or "deliveries"
  `{deliveries: [{type, webhook_id, verified, status, duplicate}]}`).
- `POST /_sandbox/faults/outside` `{name, kind, times}` breaks a panel's system for the next
  `times` calls; `{name, clear: true}` (or `{clear: true}`, every panel) mends it. A
  state-changing route of the page: JSON from its own origin only (see `guard`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

MAX_TIMES = 20


@dataclass
class OutsidePanel:
    name: str
    label: str
    kind: str  # "records" or "deliveries"
    snapshot: Callable[[], dict[str, Any]]
    faults: dict[str, tuple[str, Callable[[int], None]]] = field(default_factory=dict)
    clear: Callable[[], None] | None = None


class OutsideBook:
    """The registered panels, in the order they were added."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._panels: dict[str, OutsidePanel] = {}

    def add(self, panel: OutsidePanel) -> None:
        with self._lock:
            self._panels[panel.name] = panel

    def panels(self) -> list[OutsidePanel]:
        with self._lock:
            return list(self._panels.values())

    def get(self, name: str) -> OutsidePanel | None:
        with self._lock:
            return self._panels.get(name)

    def listing(self) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "label": p.label,
                "kind": p.kind,
                "faults": [{"kind": k, "label": label} for k, (label, _) in p.faults.items()],
                "data": p.snapshot(),
            }
            for p in self.panels()
        ]


def outside_routes(book: OutsideBook) -> list[BaseRoute]:
    async def listing(_request: Request) -> Response:
        return JSONResponse({"panels": await run_in_threadpool(book.listing)})

    async def faults(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _refused(400, "the body must be a JSON object")
        name = body.get("name")
        if name is None and body.get("clear"):
            targets = book.panels()
        else:
            panel = book.get(name) if isinstance(name, str) else None
            if panel is None:
                return _refused(404, f"no outside system named {name!r}")
            targets = [panel]
        if body.get("clear"):
            for panel in targets:
                if panel.clear is not None:
                    await run_in_threadpool(panel.clear)
            return JSONResponse({"ok": True})
        [panel] = targets
        fault = panel.faults.get(str(body.get("kind")))
        times = body.get("times", 1)
        if fault is None:
            return _refused(400, f"{panel.label} cannot be broken that way")
        if not isinstance(times, int) or isinstance(times, bool) or not 1 <= times <= MAX_TIMES:
            return _refused(400, f"times must be a whole number from 1 to {MAX_TIMES}")
        await run_in_threadpool(fault[1], times)
        return JSONResponse({"ok": True})

    return [
        Route("/_sandbox/outside", listing, methods=["GET"]),
        Route("/_sandbox/faults/outside", faults, methods=["POST"]),
    ]


def _refused(status: int, error: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": error}, status_code=status)
