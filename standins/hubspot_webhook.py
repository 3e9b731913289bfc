"""A stand-in HubSpot workflow "Send a webhook" action: the body, signed with signature v3,
sent as HubSpot sends it. Imports nothing of the bot.

HubSpot's rule (developers.hubspot.com/docs/apps/developer-platform/build-apps/
authentication/request-validation): X-HubSpot-Signature-v3 = base64(HMAC-SHA256(app secret,
method + URI + body + timestamp)), the URI with some %-escapes decoded, the timestamp in ms.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from typing import Any

import httpx

_DECODED = {
    "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
    "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";",
}  # fmt: skip


def legacy_contact(vid: int, properties: dict[str, str], portal_id: int = 62515) -> dict[str, Any]:
    """ "Include all contact properties": the legacy contact shape, each property
    {"value", "versions"} (developers.hubspot.com/docs/methods/contacts/get_contact)."""
    stamp = int(time.time() * 1000)
    return {
        "vid": vid,
        "canonical-vid": vid,
        "merged-vids": [],
        "portal-id": portal_id,
        "is-contact": True,
        "properties": {
            name: {
                "value": value,
                "versions": [
                    {
                        "value": value,
                        "source-type": "CONTACTS_WEB",
                        "source-id": None,
                        "source-label": None,
                        "timestamp": stamp,
                        "selected": False,
                    }
                ],
            }
            for name, value in properties.items()
        },
    }


def object_record(object_id: int, properties: dict[str, str]) -> dict[str, Any]:
    """A record with objectId and properties as {"value": …}."""
    return {"objectId": object_id, "properties": {k: {"value": v} for k, v in properties.items()}}


def flat_record(object_id: int, properties: dict[str, str]) -> dict[str, Any]:
    """ "Customize request body": property names to values, with hs_object_id."""
    return {"hs_object_id": str(object_id), **properties}


def signature(secret: str, method: str, url: str, body: bytes, timestamp: str) -> str:
    uri = re.sub("|".join(_DECODED), lambda m: _DECODED[m.group().upper()], url, flags=re.I)
    message = method.encode() + uri.encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def signed_request(
    url: str, body: Any, secret: str, *, timestamp_ms: int | None = None
) -> tuple[dict[str, str], bytes]:
    """The headers and raw body of HubSpot's POST to `url`."""
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time() * 1000) if timestamp_ms is None else timestamp_ms)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "HubSpot Webhooks",
        "X-HubSpot-Request-Timestamp": timestamp,
        "X-HubSpot-Signature-v3": signature(secret, "POST", url, raw, timestamp),
    }
    return headers, raw


def send(
    url: str,
    body: Any,
    secret: str,
    *,
    timestamp_ms: int | None = None,
    client: httpx.Client | None = None,
) -> httpx.Response:
    headers, raw = signed_request(url, body, secret, timestamp_ms=timestamp_ms)
    if client is not None:
        return client.post(url, content=raw, headers=headers)
    return httpx.post(url, content=raw, headers=headers, timeout=10)
