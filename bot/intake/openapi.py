"""The published API: an OpenAPI 3.1 description of the intake endpoints. Pure.

The request body is `model.LeadBody`'s own JSON Schema (pydantic writes JSON Schema
2020-12, which OpenAPI 3.1 takes as it is), so the document and the validator cannot
disagree. Built on first use, then kept for the life of the process.
"""

from __future__ import annotations

import copy
import functools
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.intake.model import LeadBody

REF = "#/components/schemas/{model}"
SALESFORCE_ACK = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
    "<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>"
)


class LeadAccepted(BaseModel):
    """A new lead, stored: routed to an owner, kept in nurture (owner null), or waiting for
    the first shift to start (`routing.on_shift_only`; owner null until it is routed)."""

    id: int
    status: Literal["routed", "nurture", "waiting"]
    owner: str | None = Field(
        description="The owner's Slack user id; null in nurture and while waiting."
    )


class LeadDuplicate(BaseModel):
    """The same (source, external_id) again: the stored lead's fields were updated."""

    id: int
    status: Literal["duplicate"]


class FieldProblem(BaseModel):
    field: str = Field(description="The path of the bad field: `email`, `activities[0].at`.")
    message: str


class FieldErrors(BaseModel):
    """Nothing was stored; each bad field is named."""

    errors: list[FieldProblem]


class Refusal(BaseModel):
    error: str


ANSWER_MODELS = (LeadAccepted, LeadDuplicate, FieldErrors, Refusal)


def openapi_document() -> dict[str, Any]:
    """The document, a fresh copy each call (callers may change theirs)."""
    return copy.deepcopy(_document())


@functools.cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Handshake",
            "version": _version(),
            "description": "Leads in: Handshake's own JSON, and the native calls of the "
            "systems that hold leads (HubSpot, Salesforce, marketing platforms). A 2xx "
            "answer means the lead is stored.",
        },
        "servers": [{"url": "/"}],
        "paths": {"/api/leads": {"post": _post_lead()}, "/api/sources/{name}": _sources()},
        "components": {"schemas": _schemas(), "securitySchemes": _security_schemes()},
    }


def _version() -> str:
    try:
        return version("handshake-bot")
    except PackageNotFoundError:
        return "0+unknown"


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in (LeadBody, *ANSWER_MODELS):
        schema = model.model_json_schema(ref_template=REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def _security_schemes() -> dict[str, Any]:
    def header(name: str, description: str) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": name, "description": description}

    return {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "HANDSHAKE_INTAKE_TOKEN, or a source's own token (its token_env).",
        },
        "salesforceToken": {
            "type": "apiKey",
            "in": "query",
            "name": "token",
            "description": "A salesforce source's token: Outbound Messages cannot sign.",
        },
        "hubspotSignature": header(
            "X-HubSpot-Signature-v3",
            "base64(HMAC-SHA256(secret, method + full URI + raw body + timestamp)).",
        ),
        "hubspotTimestamp": header(
            "X-HubSpot-Request-Timestamp",
            "Milliseconds since the epoch; older than 5 minutes is refused.",
        ),
    }


def _json(schema: str, description: str) -> dict[str, Any]:
    ref = {"$ref": REF.format(model=schema)}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def _refusals(*, not_found: bool = False) -> dict[str, Any]:
    answers = {
        "401": _json("Refusal", "Missing or wrong credentials; checked before the body is read."),
        "413": _json("Refusal", "The body is larger than 1 MiB."),
        "422": _json("FieldErrors", "Malformed content or a bad field; nothing stored."),
        "503": {
            **_json("Refusal", "The database cannot be written to; nothing stored."),
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before sending it again.",
                    "schema": {"type": "integer"},
                }
            },
        },
    }
    if not_found:
        answers["404"] = _json("Refusal", "No source of that name is configured.")
    return dict(sorted(answers.items()))


def _post_lead() -> dict[str, Any]:
    return {
        "operationId": "postLead",
        "summary": "Send a lead in Handshake's own JSON",
        "security": [{"bearer": []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model="LeadBody")}}},
        },
        "responses": {
            "202": _json("LeadAccepted", "A new lead, stored and routed or kept in nurture."),
            "200": _json("LeadDuplicate", "The same (source, external_id) again."),
            **_refusals(),
        },
    }


def _sources() -> dict[str, Any]:
    json_answer = _json("LeadDuplicate", "A duplicate (JSON kinds).")
    salesforce_ack = {"schema": {"type": "string"}, "example": SALESFORCE_ACK}
    return {
        "parameters": [
            {
                "name": "name",
                "in": "path",
                "required": True,
                "description": "A configured source's name (`sources[].name`).",
                "schema": {"type": "string"},
            }
        ],
        "post": {
            "operationId": "postFromSource",
            "summary": "Send leads as a source system sends them natively",
            "description": "kind json: any JSON object, mapped by the source's `map`. "
            "kind hubspot: a signed webhook (a record with `properties`, or a flat object "
            "with `hs_object_id`). kind salesforce: a SOAP 1.1 Outbound Message of up to "
            "100 notifications, acknowledged only once every one is stored.",
            "security": [
                {"bearer": []},
                {"salesforceToken": []},
                {"hubspotSignature": [], "hubspotTimestamp": []},
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/xml": {
                        "schema": {"type": "string", "description": "An Outbound Message."}
                    },
                },
            },
            "responses": {
                "202": _json("LeadAccepted", "A new lead (JSON kinds)."),
                "200": {
                    "description": "A duplicate (JSON kinds), or Salesforce's Ack.",
                    "content": {**json_answer["content"], "text/xml": salesforce_ack},
                },
                **_refusals(not_found=True),
            },
        },
    }
