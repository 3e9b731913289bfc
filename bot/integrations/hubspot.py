"""A thin HubSpot client over httpx: update the contact, then (once) add a note to it.

Request shapes, from HubSpot's CRM v3 docs:
- `PATCH {api_url}/crm/v3/objects/contacts/{id}` with `{"properties": {...}}` → 200
- `POST {api_url}/crm/v3/objects/notes` with `{"properties": {"hs_timestamp", "hs_note_body"},
  "associations": [{"to": {"id"}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
  "associationTypeId": 202}]}]}` (202: note → contact) → 201 `{"id", …}`
- `POST {api_url}/crm/v3/objects/notes/search` with a filter on `associations.contact`
- errors: `{"status": "error", "message", "correlationId", "category"}`

A note whose creation may have happened (timeout, 5xx) is looked for first: the contact's
notes are searched for the idempotency key in their body. HubSpot's search index can lag a
few seconds behind a create, so the worker's first retry (about a second later) may miss a
very recent note; later retries see it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from bot.config.crm import HubSpotConfig
from bot.integrations.crm_mapping import HubSpotWrite
from bot.integrations.http import json_of, send

NOTE_TO_CONTACT = 202  # HubSpot-defined association type: note → contact


@dataclass(frozen=True)
class HubSpotResult:
    contact_id: str
    properties: list[str]  # the property names written
    note_id: str | None
    recovered: bool  # the note was found from an earlier attempt, not created again


class HubSpotClient:
    def __init__(self, http: httpx.Client, config: HubSpotConfig, token: str):
        self.http, self.config, self.token = http, config, token

    def write_back(self, write: HubSpotWrite, *, look_first: bool) -> HubSpotResult:
        if write.properties:
            self._call(
                "PATCH",
                f"/crm/v3/objects/contacts/{write.contact_id}",
                creates=False,
                json={"properties": write.properties},
            )
        note_id, recovered = None, False
        if write.note is not None:
            note_id = self.find_note(write.contact_id, write.key) if look_first else None
            recovered = note_id is not None
            note_id = note_id or self.create_note(write.contact_id, write.note)
        return HubSpotResult(write.contact_id, sorted(write.properties), note_id, recovered)

    def create_note(self, contact_id: str, properties: dict[str, str]) -> str:
        association = {
            "to": {"id": contact_id},
            "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": NOTE_TO_CONTACT}
            ],
        }
        response = self._call(
            "POST",
            "/crm/v3/objects/notes",
            creates=True,
            json={"properties": properties, "associations": [association]},
        )
        return str((json_of(response) or {}).get("id") or "")

    def find_note(self, contact_id: str, key: str) -> str | None:
        """The contact's note whose body carries `key`, if an earlier attempt made one."""
        query = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "associations.contact",
                            "operator": "EQ",
                            "value": contact_id,
                        }
                    ]
                }
            ],
            "properties": ["hs_note_body"],
            # The newest first: a note an earlier attempt created is among the latest, even
            # on a contact with more notes than one page holds.
            "sorts": [{"propertyName": "hs_createdate", "direction": "DESCENDING"}],
            "limit": 100,
        }
        response = self._call("POST", "/crm/v3/objects/notes/search", creates=False, json=query)
        for note in (json_of(response) or {}).get("results") or []:
            if f"[{key}]" in str((note.get("properties") or {}).get("hs_note_body") or ""):
                return str(note.get("id"))
        return None

    def _call(self, method: str, path: str, *, creates: bool, **kwargs: object) -> httpx.Response:
        return send(
            self.http,
            method,
            f"{self.config.api_url}{path}",
            vendor="HubSpot",
            describe=describe_error,
            creates=creates,
            headers={"Authorization": f"Bearer {self.token}"},
            **kwargs,
        )


def describe_error(response: httpx.Response) -> str:
    """HubSpot's error body: {"status": "error", "message", "category", …}."""
    body = json_of(response)
    if isinstance(body, dict) and body.get("message"):
        category = f"{body['category']}: " if body.get("category") else ""
        return f"{category}{body['message']}"
    return response.text[:300]
