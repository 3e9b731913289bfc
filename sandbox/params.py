"""Reading Web API arguments the way Slack does: JSON or form bodies, query strings,
JSON-encoded strings for structured fields, "1"/"true" for booleans."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from sandbox.models import JSON, SlackError

# Structured arguments that form bodies carry as JSON strings, and the error a bad one gets.
_JSON_FIELDS = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "metadata": "invalid_metadata_format",
    "view": "invalid_arguments",
}


def parse_body(content_type: str, raw: bytes, query: str) -> JSON:
    """Arguments from the query string and the body (JSON or form-encoded)."""
    params: JSON = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";")[0].strip().lower()
    if not raw:
        return params
    if media_type == "application/json":
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise SlackError("invalid_json") from exc
        if not isinstance(body, dict):
            raise SlackError("invalid_json")
        params.update(body)
    elif media_type in ("application/x-www-form-urlencoded", "text/plain", ""):
        try:
            params.update(
                parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
            )
        except (UnicodeDecodeError, ValueError) as exc:
            raise SlackError("invalid_form_data") from exc
    else:
        raise SlackError("invalid_post_type")  # multipart (file uploads) is not played
    return params


def decode_json_fields(params: JSON) -> JSON:
    """Turn JSON strings in structured fields (`blocks`, `metadata`, `view`) into objects."""
    decoded = dict(params)
    for key, error in _JSON_FIELDS.items():
        value = decoded.get(key)
        if isinstance(value, str):
            if not value.strip():
                decoded.pop(key)
                continue
            try:
                decoded[key] = json.loads(value)
            except ValueError as exc:
                raise SlackError(error) from exc
    return decoded


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def as_int(value: Any, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise SlackError("invalid_arguments") from exc


def bearer_token(authorization: str | None, params: JSON) -> str | None:
    """The token from `Authorization: Bearer …`, else from a `token` argument."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = params.get("token")
    return token if isinstance(token, str) and token else None
