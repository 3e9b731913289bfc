"""How the write-back to other systems reads (issue 10 §3): the line on both lead cards, one
per CRM, and the names and errors on the admin's Home. Pure; a vendor's error comes from
outside, so it is shortened, escaped and trimmed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.views.text import one_line, safe
from storage.models import LANE_CRM
from storage.sync_status import FAILED, FAILING, PENDING, UPDATED, CrmSync

VENDORS = {"hubspot": "HubSpot", "salesforce": "Salesforce"}
ERROR = 120  # characters of a vendor's error on a card or on Home
# "HubSpot PATCH /crm/v3/objects/contacts/51: 400 …": the call, then the vendor's answer.
_CALL = re.compile(r"^\w+ [A-Z]+ /\S*: (?P<rest>.+)$")
_STATUS = re.compile(r"^(?P<code>\d{3})(?: (?P<text>.+))?$")


def vendor_name(destination: str) -> str:
    return VENDORS.get(destination, destination)


def destination_label(lane: str, destination: str) -> str:
    """A destination as people know it, escaped: "HubSpot", or "Webhook https://…"."""
    if lane == LANE_CRM:
        return safe(one_line(vendor_name(destination)), 100)
    return f"Webhook {safe(one_line(destination), 300)}"


def vendor_error(error: str | None) -> str:
    """The vendor's own words from a row's last error, escaped and trimmed: the call and a
    status code that comes with a message are left out."""
    text = one_line(error)
    call = _CALL.match(text)
    if call:
        text = call["rest"]
    status = _STATUS.match(text)
    if status:
        text = status["text"] or f"HTTP {status['code']}"
    return safe(text, ERROR) or "unknown error"


def crm_sync_line(item: CrmSync) -> str | None:
    """One CRM's write-back of the hand-off's decision, as its cards show it."""
    name, shown = vendor_name(item.destination), item.shown
    if shown == UPDATED:
        return f"{safe(name, 100)} updated ✓"
    if shown == FAILING:
        return f"{safe(name, 100)} update failing: {vendor_error(item.last_error)} (retrying)"
    if shown == FAILED:
        return f"{safe(name, 100)} update failed: see `handshake outbox`"
    if shown == PENDING:
        return f"{safe(name, 100)} update pending"
    return None


def crm_sync_text(items: Iterable[CrmSync]) -> str | None:
    """The cards' context line(s): one per CRM the hand-off has rows for; None: none."""
    lines = [line for line in (crm_sync_line(i) for i in items) if line]
    return "\n".join(lines) or None
