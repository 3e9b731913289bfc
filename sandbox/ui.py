"""The sandbox's web page: static files, a per-person state and a stream of changes.

Routes (added to `create_web_api`'s app):
- `GET /`: the page (`static/index.html`; `?as=<user_id>` picks the person).
- `GET /static/…`: its script and style sheet (plain ES modules, no build step).
- `GET /_sandbox/people`: who the page can act as (every user but the bot).
- `GET /_sandbox/stream`: server-sent events, one `change` event (data: the state's
  version) at once and then after every change; the page refetches its state on each.
- `POST /_sandbox/ui/…`: what people do on the page; see `ui_actions`.

Hooks for browser tests (`data-testid`): `person` (the switcher, a select of user ids),
`conv-<channel id>` / `conv-dm` / `conv-home` (sidebar links), `tab-home` / `tab-dm`,
`message` and `ephemeral` (with `data-ts`), `local-note`, `thread-replies`, `home`,
`modal` (with `data-view-id`), `modal-submit`, `modal-cancel`, `modal-close`,
`input-error`, `composer`, `command-hints`, `toast`, `faults` (a <details>), `fault-method`,
`fault-kind`, `fault-retry-after`, `fault-delay`, `fault-times`, `fault-add`, `faults-clear`,
`rate-limit`, `fault-list`, `calls`, `destination-faults` (with `break-<name>-<kind>`,
`outside-times`, `outside-clear`), `outside` (the CRM & webhooks <details>),
`outside-<name>`, `crm-record` (with `data-record-id`), `crm-status`, `crm-item`,
`delivery`. Interactive elements carry `data-action-id`, `data-block-id` and `data-type`.
`?as=<user_id>&c=<dm|home|channel id>` opens a view.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.state import SandboxState
from sandbox.ui_actions import action_routes

STATIC_DIR = Path(__file__).parent / "static"
POLL_SECONDS = 0.1
KEEP_ALIVE_SECONDS = 15.0
_PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: http: https:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


async def changes(
    state: SandboxState,
    gone: Callable[[], Awaitable[bool]],
    poll: float = POLL_SECONDS,
) -> AsyncIterator[str]:
    """SSE chunks: the current version at once, then each new one (checked every `poll`
    seconds, so a burst of changes makes one event), with a comment now and then; ends
    when `gone()` says the page left."""
    last: int | None = None
    quiet = 0.0
    while not await gone():
        version = state.version
        if version != last:
            last, quiet = version, 0.0
            yield f"event: change\ndata: {version}\n\n"
        elif quiet >= KEEP_ALIVE_SECONDS:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(poll)
        quiet += poll


def ui_routes(state: SandboxState) -> list[BaseRoute]:
    async def page(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    async def people(request: Request) -> Response:
        with state.lock:
            found = [
                {"id": u.id, "name": u.name, "real_name": u.real_name, "title": u.title}
                for u in state.users.values()
                if not u.is_bot
            ]
        return JSONResponse({"people": found, "version": state.version})

    async def stream(request: Request) -> Response:
        return StreamingResponse(
            changes(state, request.is_disconnected),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return [
        Route("/", page, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        Route("/_sandbox/people", people, methods=["GET"]),
        Route("/_sandbox/stream", stream, methods=["GET"]),
        *action_routes(state),
    ]
