"""`kind: json`: any JSON object, mapped only by the source's `map` (Marketo, Pardot, forms).

A body already in Handshake's own shape needs no map: unmapped fields keep their names."""

from __future__ import annotations

DEFAULT_MAP: dict[str, str] = {}
OWNER_CRMS = ("hubspot", "salesforce")  # an owner value is an email, or either CRM's id
