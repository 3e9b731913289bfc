"""A stand-in Salesforce: the OAuth client-credentials token, Lead (GET, PATCH), Task (POST)
and SOQL query (only `SELECT Id FROM Task WHERE WhoId = '…' AND Subject = '…'`), with
Salesforce's error bodies ([{"message", "errorCode", "fields"}])."""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from standins.faults import Recorder

_TASK_QUERY = re.compile(
    r"SELECT Id FROM Task WHERE WhoId = '((?:[^'\\]|\\.)*)' AND Subject = '((?:[^'\\]|\\.)*)'"
)


@dataclass
class SalesforceState:
    client_id: str = "standin-client-id"
    client_secret: str = "standin-client-secret"
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)  # Lead Id → fields
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)  # Task Id → fields
    lead_fields: set[str] | None = None  # set: other Lead fields are refused (INVALID_FIELD)
    tokens: set[str] = field(default_factory=set)  # the access tokens that are valid now
    tokens_issued: int = 0
    recorder: Recorder = field(default_factory=Recorder)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add_lead(self, lead_id: str, **fields: Any) -> None:
        with self.lock:
            self.leads[lead_id] = dict(fields)

    def lead(self, lead_id: str) -> dict[str, Any]:
        with self.lock:
            return dict(self.leads.get(lead_id) or {})

    def tasks_of(self, lead_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [{"Id": i, **t} for i, t in self.tasks.items() if t.get("WhoId") == lead_id]

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (the next call answers 401)."""
        with self.lock:
            self.tokens.clear()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"leads": {i: {**f, "tasks": self.tasks_of(i)} for i, f in self.leads.items()}}


def errors(status: int, code: str, message: str, fields: list[str] | None = None) -> JSONResponse:
    return JSONResponse(
        [{"message": message, "errorCode": code, "fields": fields or []}], status_code=status
    )


def oauth_error(code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status_code=400)


def salesforce_app(state: SalesforceState) -> Starlette:
    def authorized(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        with state.lock:
            return header.startswith("Bearer ") and header[7:] in state.tokens

    def expired() -> JSONResponse:
        return errors(401, "INVALID_SESSION_ID", "Session expired or invalid")

    async def token(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        if form.get("grant_type") != "client_credentials":
            return oauth_error("unsupported_grant_type", "grant type not supported")
        if (form.get("client_id"), form.get("client_secret")) != (
            state.client_id,
            state.client_secret,
        ):
            return oauth_error("invalid_client", "invalid client credentials")
        access = f"00DSTANDIN!{secrets.token_urlsafe(24)}"
        with state.lock:
            state.tokens.add(access)
            state.tokens_issued += 1
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {"access_token": access, "instance_url": base, "token_type": "Bearer",
             "id": f"{base}/id/00DSTANDIN/005STANDIN", "issued_at": "0", "signature": "x"}
        )  # fmt: skip

    async def lead(request: Request) -> Response:
        if not authorized(request):
            return expired()
        lead_id = request.path_params["lead_id"]
        with state.lock:
            if lead_id not in state.leads:
                return errors(404, "NOT_FOUND", "The requested resource does not exist")
            if request.method == "PATCH":
                body = await request.json()
                known = state.lead_fields
                for name in body:
                    if known is not None and name not in known:
                        message = f"No such column '{name}' on sobject of type Lead"
                        return errors(400, "INVALID_FIELD", message, [name])
                state.leads[lead_id].update(body)
                return Response(status_code=204)
            return JSONResponse({"attributes": {"type": "Lead"}, "Id": lead_id,
                                 **state.leads[lead_id]})  # fmt: skip

    async def task(request: Request) -> Response:
        if not authorized(request):
            return expired()
        body = await request.json()
        who = str(body.get("WhoId") or "")
        with state.lock:
            if who not in state.leads:
                message = f"Name ID: id value of incorrect type: {who}"
                return errors(400, "FIELD_INTEGRITY_EXCEPTION", message, ["WhoId"])
            task_id = f"00T{next(state._ids):015d}"
            state.tasks[task_id] = dict(body)
        return JSONResponse({"id": task_id, "success": True, "errors": []}, status_code=201)

    async def query(request: Request) -> Response:
        if not authorized(request):
            return expired()
        soql = request.query_params.get("q", "")
        match = _TASK_QUERY.fullmatch(soql.strip())
        if match is None:
            return errors(400, "MALFORMED_QUERY", f"unexpected query for the stand-in: {soql}")
        who, subject = (re.sub(r"\\(.)", r"\1", g) for g in match.groups())
        with state.lock:
            found = [
                {"attributes": {"type": "Task"}, "Id": i}
                for i, t in state.tasks.items()
                if t.get("WhoId") == who and t.get("Subject") == subject
            ]
        return JSONResponse({"totalSize": len(found), "done": True, "records": found})

    async def limits(request: Request) -> Response:
        """`GET …/limits`: the org's limits (the daily API requests, as Salesforce names them)."""
        if not authorized(request):
            return expired()
        return JSONResponse({"DailyApiRequests": {"Max": 15000, "Remaining": 14990}})

    async def snapshot(_request: Request) -> Response:
        return JSONResponse(state.snapshot())

    guard = state.recorder.guarded
    data = "/services/data/v{version}"
    return Starlette(
        routes=[
            Route("/services/oauth2/token", guard(token), methods=["POST"]),
            Route(f"{data}/sobjects/Lead/{{lead_id}}", guard(lead), methods=["GET", "PATCH"]),
            Route(f"{data}/sobjects/Task", guard(task), methods=["POST"]),
            Route(f"{data}/query", guard(query), methods=["GET"]),
            Route(f"{data}/limits", guard(limits), methods=["GET"]),
            Route("/_standin/state", snapshot, methods=["GET"]),
        ]
    )
