"""A stand-in HubSpot: contacts (GET, PATCH) and notes (POST, search), behind a private app
token, with HubSpot's error bodies ({"status": "error", "message", "category", …})."""

from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from standins.faults import Recorder

NOTE_TO_CONTACT = 202


@dataclass
class HubSpotState:
    token: str = "pat-standin-token"
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # id → properties
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {properties, contacts}
    known_properties: set[str] | None = None  # set: other properties are refused (400)
    recorder: Recorder = field(default_factory=Recorder)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(9001))
    lock: threading.RLock = field(default_factory=threading.RLock)

    def add_contact(self, contact_id: str, **properties: str) -> None:
        with self.lock:
            self.contacts[contact_id] = dict(properties)

    def contact(self, contact_id: str) -> dict[str, str]:
        with self.lock:
            return dict(self.contacts.get(contact_id) or {})

    def notes_of(self, contact_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                {"id": i, **n["properties"]}
                for i, n in self.notes.items()
                if contact_id in n["contacts"]
            ]

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "contacts": {i: {**p, "notes": self.notes_of(i)} for i, p in self.contacts.items()}
            }


def error(status: int, message: str, category: str) -> JSONResponse:
    body = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    return JSONResponse(body, status_code=status)


def hubspot_app(state: HubSpotState) -> Starlette:
    def authorized(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {state.token}"

    def unauthorized() -> JSONResponse:
        message = "Authentication credentials not found or are invalid."
        return error(401, message, "INVALID_AUTHENTICATION")

    def missing(contact_id: str) -> JSONResponse:
        return error(404, f"Object not found.  objectId are usually numeric. ({contact_id})",
                     "OBJECT_NOT_FOUND")  # fmt: skip

    async def contact(request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        contact_id = request.path_params["contact_id"]
        with state.lock:
            if contact_id not in state.contacts:
                return missing(contact_id)
            if request.method == "PATCH":
                body = await request.json()
                props = body.get("properties") if isinstance(body, dict) else None
                if not isinstance(props, dict):
                    return error(
                        400, "Invalid input JSON: properties is required", "VALIDATION_ERROR"
                    )
                known = state.known_properties
                unknown = sorted(p for p in props if known is not None and p not in known)
                if unknown:
                    detail = ", ".join(f'Property "{p}" does not exist' for p in unknown)
                    return error(
                        400, f"Property values were not valid: {detail}", "VALIDATION_ERROR"
                    )
                state.contacts[contact_id].update({k: str(v) for k, v in props.items()})
            properties = dict(state.contacts[contact_id])
        return JSONResponse({"id": contact_id, "properties": properties, "archived": False})

    async def create_note(request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        body = await request.json()
        props = dict(body.get("properties") or {})
        if not props.get("hs_timestamp"):
            return error(400, 'Property values were not valid: "hs_timestamp" is required',
                         "VALIDATION_ERROR")  # fmt: skip
        contacts = []
        for association in body.get("associations") or []:
            types = [t.get("associationTypeId") for t in association.get("types") or []]
            target = str((association.get("to") or {}).get("id") or "")
            if NOTE_TO_CONTACT in types:
                if target not in state.contacts:
                    return missing(target)
                contacts.append(target)
        with state.lock:
            note_id = str(next(state._ids))
            state.notes[note_id] = {"properties": props, "contacts": contacts}
        return JSONResponse({"id": note_id, "properties": props}, status_code=201)

    async def search_notes(request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        body = await request.json()
        wanted = None
        for group in body.get("filterGroups") or []:
            for f in group.get("filters") or []:
                if f.get("propertyName") == "associations.contact" and f.get("operator") == "EQ":
                    wanted = str(f.get("value"))
        newest_first = any(
            s.get("propertyName") in ("hs_createdate", "hs_timestamp")
            and s.get("direction") == "DESCENDING"
            for s in body.get("sorts") or []
        )
        with state.lock:
            found = [
                {"id": i, "properties": dict(n["properties"])}
                for i, n in state.notes.items()
                if wanted is None or wanted in n["contacts"]
            ]  # in the order created
        if newest_first:
            found.reverse()
        page = found[: int(body.get("limit") or 10)]
        return JSONResponse({"total": len(found), "results": page})

    async def owners(request: Request) -> Response:
        """`GET /crm/v3/owners`: the portal's owners (one here), paged like HubSpot's."""
        if not authorized(request):
            return unauthorized()
        owner = {
            "id": "77", "email": "owner@example.com", "type": "PERSON", "firstName": "Ana",
            "lastName": "Alvarez", "userId": 9001, "archived": False,
            "createdAt": "2026-01-05T10:00:00Z", "updatedAt": "2026-01-05T10:00:00Z",
        }  # fmt: skip
        return JSONResponse({"results": [owner]})

    async def snapshot(_request: Request) -> Response:
        return JSONResponse(state.snapshot())

    guard = state.recorder.guarded
    return Starlette(
        routes=[
            Route(
                "/crm/v3/objects/contacts/{contact_id}", guard(contact), methods=["GET", "PATCH"]
            ),
            Route("/crm/v3/objects/notes/search", guard(search_notes), methods=["POST"]),
            Route("/crm/v3/objects/notes", guard(create_note), methods=["POST"]),
            Route("/crm/v3/owners", guard(owners), methods=["GET"]),
            Route("/_standin/state", snapshot, methods=["GET"]),
        ]
    )
