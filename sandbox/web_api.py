"""`create_web_api(state)`: the stand-in Slack Web API as a Starlette app.

Routes:
- `POST /api/{method}`: Web API methods (JSON or form bodies), token required.
- `POST /_sandbox/respond/{token}`: the response_urls handed out with interactions.
- `POST /_sandbox/faults`: `add_fault` keywords as JSON (with `method`), or `{"clear": true}`;
  `{"rate_limit": {"enabled": true, "per_second": 1, "burst": 3}}` (or `false`) sets the
  chat.postMessage rate limit; `{"latency": 0.15}` makes every Web API call take that much
  longer (Slack's own latency).
- `GET /_sandbox/state`: everything the workspace holds, as JSON; `?as=<user_id>`: what that
  person sees (see `person_view`).
- `POST /_sandbox/upload/{file_id}`, `GET /_sandbox/files/{file_id}`: file uploads and their
  bytes (see `api_files`).
- `GET /_sandbox/outside`, `POST /_sandbox/faults/outside`: the outside systems the page
  shows and breaks (see `outside`).
- The web page and its routes: see `ui`.

Every request must be addressed to 127.0.0.1 or localhost and come from no other web site;
the page's state-changing routes take JSON only (see `guard`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox import api_chat, api_conversations, api_files, api_views
from sandbox.guard import LocalOnly
from sandbox.models import JSON, SlackError
from sandbox.outside import outside_routes
from sandbox.params import bearer_token, decode_json_fields, parse_body
from sandbox.person_view import person_view
from sandbox.state import SandboxState
from sandbox.tokens import ResponseUrlBook
from sandbox.ui import ui_routes

Handler = Callable[[SandboxState, JSON], JSON]
Answer = tuple[int, JSON, dict[str, str]]

METHODS: dict[str, Handler] = {
    **api_chat.METHODS,
    **api_conversations.METHODS,
    **api_views.METHODS,
    **api_files.METHODS,
}
RESPONSE_URL = "response_url"  # the name response_url posts go by in the call log and faults


def _answer_error(error: SlackError) -> Answer:
    return error.status, error.body(), error.headers


def _run_method(state: SandboxState, method: str, params: JSON, token: str | None) -> Answer:
    handler = METHODS.get(method)
    if handler is None:
        return _answer_error(SlackError("unknown_method", req_method=method))
    if token is None:
        return _answer_error(SlackError("not_authed"))
    if token != state.bot_token:
        return _answer_error(SlackError("invalid_auth"))
    try:
        body = handler(state, params)
    except SlackError as error:
        status, body, headers = _answer_error(error)
        return status, body, {**headers, "x-oauth-scopes": ",".join(state.scopes)}
    return 200, {"ok": True, **body}, {"x-oauth-scopes": ",".join(state.scopes)}


async def _serve(
    state: SandboxState, method: str, params: JSON, run: Callable[[], Answer]
) -> Response:
    """Apply any fault queued for `method`, run the call, log it, answer."""
    fault = state.take_fault(method)
    if fault and fault.delay and not fault.apply_after:
        await asyncio.sleep(fault.delay)
    status, body, headers = fault.answer() if fault and fault.replaces_answer else run()
    state.record_call(method, params, status, body)
    if fault and fault.apply_after and fault.delay:
        await asyncio.sleep(fault.delay)  # done on "Slack's side", but the client times out
    return JSONResponse(body, status_code=status, headers=headers)


def create_web_api(state: SandboxState) -> Starlette:
    """The stand-in Slack's HTTP app; point `WebClient(base_url=<url>/api/)` at it."""

    async def web_api_method(request: Request) -> Response:
        method = request.path_params["method"]
        if state.latency:
            await asyncio.sleep(state.latency)  # the way there, and Slack's own work
        authorization = request.headers.get("authorization")
        try:
            raw = parse_body(
                request.headers.get("content-type", ""), await request.body(), request.url.query
            )
            params = decode_json_fields(raw)
        except SlackError as error:
            failed = _answer_error(error)
            return await _serve(state, method, {}, lambda: failed)
        token = bearer_token(authorization, params)
        params.pop("token", None)  # never keep tokens in the log
        return await _serve(
            state, method, params, lambda: _run_method(state, method, params, token)
        )

    async def response_url(request: Request) -> Response:
        token = request.path_params["token"]
        try:
            body = json.loads(await request.body() or b"{}")
            if not isinstance(body, dict):
                raise ValueError("not an object")
            params = decode_json_fields(body)
        except (ValueError, SlackError):
            return JSONResponse({"ok": False, "error": "invalid_payload"}, status_code=400)

        def run() -> Answer:
            try:
                return 200, {"ok": True, **api_chat.respond(state, token, params)}, {}
            except SlackError as error:
                status = 404 if error.code == "invalid_response_url" else error.status
                return status, error.body(), error.headers

        return await _serve(state, RESPONSE_URL, params, run)

    async def faults(request: Request) -> Response:
        try:
            body = await request.json()
            if "latency" in body:
                state.set_latency(float(body.pop("latency")))
            if "rate_limit" in body:
                limit = body.pop("rate_limit")
                if isinstance(limit, dict):
                    state.rate_limit(**limit)
                else:
                    state.rate_limit(bool(limit))
            if body.get("clear"):
                state.clear_faults()
            elif body:
                state.add_fault(body.pop("method"), **body)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return JSONResponse({"ok": False, "error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})

    async def snapshot(request: Request) -> Response:
        person = request.query_params.get("as")
        if not person:
            return JSONResponse(state.snapshot())
        try:
            return JSONResponse(person_view(state, person))
        except LookupError:
            return JSONResponse({"ok": False, "error": "user_not_found"}, status_code=404)

    return Starlette(
        routes=[
            Route("/api/{method}", web_api_method, methods=["GET", "POST"]),
            Route(ResponseUrlBook.PATH + "{token}", response_url, methods=["POST"]),
            Route("/_sandbox/faults", faults, methods=["POST"]),
            Route("/_sandbox/state", snapshot, methods=["GET"]),
            *api_files.file_routes(state),
            *outside_routes(state.outside),
            *ui_routes(state),
        ],
        middleware=[Middleware(LocalOnly)],
    )
