"""`kind: hubspot`: HubSpot's v3 request signature, and the bodies a workflow's "Send a
webhook" action sends, read into one flat record.

Signature (developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/
request-validation): X-HubSpot-Signature-v3 = base64(HMAC-SHA256(app secret, method + URI +
raw body + X-HubSpot-Request-Timestamp)), the timestamp in milliseconds; a timestamp more
than 5 minutes old is refused. Before signing, HubSpot decodes these %-escapes in the URI:
%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B.

Bodies: a workflow sends one object per enrolled record (never an array):
- "Include all properties": a record with `objectId` / `vid` (legacy contacts) /
  `hs_object_id` and `properties`, each property a plain value or {"value": …, "versions":
  […]};
- "Customize request body": a flat object of property names, including `hs_object_id`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.intake.body import FieldError

SIGNATURE_HEADER = "x-hubspot-signature-v3"
TIMESTAMP_HEADER = "x-hubspot-request-timestamp"
MAX_AGE_MS = 5 * 60 * 1000
ID_KEYS = ("objectId", "vid", "hs_object_id")
OWN_EXTERNAL_ID = "external_id property"  # a HubSpot property named external_id
OWNER_CRMS = ("hubspot",)
DEFAULT_MAP: dict[str, str] = {
    "email": "email",
    "first_name": "firstname",
    "last_name": "lastname",
    "title": "jobtitle",
    "company": "company",
    "country": "country",
    "industry": "industry",
    "employees": "numemployees",
    "score": "hubspotscore",
    "company_domain": "website|domain",
    "owner": "hubspot_owner_id",
}
_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip
_ESCAPE = re.compile("|".join(_DECODED), re.IGNORECASE)


def signed_uri(uri: str) -> str:
    """The URI as HubSpot signs it: the escapes in its table decoded, every other kept."""
    return _ESCAPE.sub(lambda m: _DECODED[m.group().upper()], uri)


def signature(secret: str, method: str, uri: str, body: bytes, timestamp: str) -> str:
    message = method.upper().encode() + signed_uri(uri).encode() + body + timestamp.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def header_problem(headers: Mapping[str, str], now_ms: int) -> str | None:
    """Why these headers cannot carry a valid signature (checked before the body is read)."""
    if not headers.get(SIGNATURE_HEADER):
        return "missing X-HubSpot-Signature-v3"
    stamp = headers.get(TIMESTAMP_HEADER, "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 16):
        return "missing or malformed X-HubSpot-Request-Timestamp (milliseconds)"
    if abs(now_ms - int(stamp)) > MAX_AGE_MS:
        return "X-HubSpot-Request-Timestamp is more than 5 minutes away from now"
    return None


def signature_matches(secret: str, method: str, uri: str, body: bytes, headers: Mapping) -> bool:
    expected = signature(secret, method, uri, body, headers.get(TIMESTAMP_HEADER, ""))
    supplied = headers.get(SIGNATURE_HEADER, "")
    return hmac.compare_digest(expected.encode(), supplied.encode("utf-8", "replace"))


@dataclass(frozen=True)
class Record:
    """A HubSpot body as one flat record, with how HubSpot names each field."""

    fields: dict[str, Any]
    prefix: str = ""  # "properties." when the properties were nested
    label: dict[str, str] = field(default_factory=dict)  # fields outside `properties`


def read_record(body: Any) -> tuple[Record | None, list[FieldError]]:
    if isinstance(body, list):
        return None, [
            FieldError(
                "body",
                "must be one HubSpot record (a JSON object), as a workflow's Send a webhook "
                "action sends; a list of webhook events carries no properties",
            )
        ]
    if not isinstance(body, dict):
        return None, [FieldError("body", "must be a JSON object")]
    properties = body.get("properties")
    if isinstance(properties, dict):
        return _nested(body, properties)
    if body.get("hs_object_id") in (None, ""):
        return None, [
            FieldError(
                "hs_object_id",
                "is required: send a record with objectId, vid or hs_object_id and its "
                "properties, or a flat object that includes hs_object_id",
            )
        ]
    fields = {k: v for k, v in body.items() if k != "hs_object_id"}
    label = {"external_id": "hs_object_id"}
    return Record(_record_id(body["hs_object_id"], fields, label), "", label), []


def _record_id(external_id: Any, fields: dict[str, Any], label: dict[str, str]) -> dict[str, Any]:
    """The record with its HubSpot id as `external_id`; a property that is itself named
    `external_id` is kept, as an extra field (`OWN_EXTERNAL_ID`), and replaces nothing:
    the CRM write-back names the contact by this id."""
    if "external_id" in fields:
        fields = {k: v for k, v in fields.items() if k != "external_id"} | {
            OWN_EXTERNAL_ID: fields["external_id"]
        }
        label[OWN_EXTERNAL_ID] = "external_id"
    return {**fields, "external_id": external_id}


def _nested(
    body: dict[str, Any], properties: dict[str, Any]
) -> tuple[Record | None, list[FieldError]]:
    flat = {
        k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in properties.items()
    }
    id_key = next((k for k in ID_KEYS if body.get(k) not in (None, "")), None)
    if id_key is None and flat.get("hs_object_id") in (None, ""):
        return None, [
            FieldError("objectId", "is required: the record's objectId, vid or hs_object_id")
        ]
    envelope = {k: v for k, v in body.items() if k != "properties" and k not in ID_KEYS}
    label = {k: k for k in envelope if k not in flat}
    if id_key is None:
        external_id, label["external_id"] = flat.pop("hs_object_id"), "properties.hs_object_id"
    else:
        external_id, label["external_id"] = body[id_key], id_key
        flat.pop("hs_object_id", None)
    return Record(_record_id(external_id, {**envelope, **flat}, label), "properties.", label), []
