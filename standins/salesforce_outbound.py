"""A stand-in Salesforce sending Outbound Messages: the SOAP `notifications()` call for Lead
records, as a workflow rule or flow sends it, and the test Salesforce applies to the answer.

The body follows the outbound messaging WSDL (Salesforce's "Understanding the Outbound
Messaging WSDL") in the shape Salesforce puts on the wire: `soapenv`, `xsd` and `xsi` declared
on the envelope, `notifications` in the outbound namespace as the default, each `sObject`
typed `sf:Lead` and declaring `sf` itself, its `Id` first and the other chosen fields after in
name order, a field without a value as `xsi:nil="true"`. Salesforce takes a message as
delivered only when the answer is a `notificationsResponse` with `<Ack>true</Ack>`; otherwise
it sends the same message (same notification ids) again, for up to 24 hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

OUTBOUND: Final = "http://soap.sforce.com/2005/09/outbound"
HEADERS: Final[dict[str, str]] = {
    "Content-Type": "text/xml; charset=utf-8",
    "SOAPAction": '""',
    "User-Agent": "Salesforce - Outbound Notification",
}
Value = str | int | float | bool | None

_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def case_safe_id(id15: str) -> str:
    """The 18-character form of a 15-character id: each added character says which of five
    characters are capitals (bit j set: character j of the chunk is an upper-case letter)."""
    if len(id15) != 15 or not id15.isalnum() or not id15.isascii():
        raise ValueError(f"not a 15-character Salesforce id: {id15!r}")
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << j for j, c in enumerate(id15[start : start + 5]) if "A" <= c <= "Z")
        suffix += _SUFFIX[bits]
    return id15 + suffix


def record_id(prefix: str, number: int, pod: str = "5e0") -> str:
    """A well-formed 18-character id: `record_id("00Q", 1)` → a Lead id, "04l" a notification,
    "00D" an org, "04k" an outbound message action, "005" a user."""
    return case_safe_id(f"{prefix}{pod}{number:09d}")


def lead_message(
    leads: Sequence[Mapping[str, Value]],
    *,
    organization_id: str,
    action_id: str,
    session_id: str | None = None,
    instance_url: str = "https://example.my.salesforce.com",
    api_version: str = "62.0",
    notification_ids: Sequence[str] | None = None,
) -> bytes:
    """The body of one Outbound Message with a Lead notification per mapping in `leads`
    (each with its `Id`). Notification ids default to 1, 2, … in order, so that building the
    same message again gives the same bytes, as Salesforce's retry of it does."""
    ids = list(notification_ids or [record_id("04l", i + 1) for i in range(len(leads))])
    if len(ids) != len(leads):
        raise ValueError("one notification id per lead")
    org15 = organization_id[:15]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        " <soapenv:Body>\n"
        f'  <notifications xmlns="{OUTBOUND}">\n'
        f"   <OrganizationId>{escape(organization_id)}</OrganizationId>\n"
        f"   <ActionId>{escape(action_id)}</ActionId>\n"
        f"   {_element('SessionId', session_id)}\n"
        f"   <EnterpriseUrl>{escape(instance_url)}/services/Soap/c/{api_version}/{org15}"
        "</EnterpriseUrl>\n"
        f"   <PartnerUrl>{escape(instance_url)}/services/Soap/u/{api_version}/{org15}"
        "</PartnerUrl>\n"
    ]
    for notification_id, fields in zip(ids, leads, strict=True):
        parts.append(_notification(notification_id, fields))
    parts.append("  </notifications>\n </soapenv:Body>\n</soapenv:Envelope>\n")
    return "".join(parts).encode("utf-8")


def send(url: str, body: bytes, *, client: httpx.Client | None = None) -> httpx.Response:
    """POST the message to `url` (the endpoint URL, with its `?token=`) as Salesforce does."""
    if client is not None:
        return client.post(url, content=body, headers=HEADERS)
    with httpx.Client(timeout=10.0) as own:
        return own.post(url, content=body, headers=HEADERS)


def acked(response: httpx.Response) -> bool:
    """Whether Salesforce would mark the message delivered: a 200 whose body is a
    `notificationsResponse` with `<Ack>true</Ack>`."""
    if response.status_code != 200:
        return False
    try:
        root = fromstring(response.content, forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        return False
    found = root.find(f".//{{{OUTBOUND}}}notificationsResponse/{{{OUTBOUND}}}Ack")
    return found is not None and (found.text or "").strip() in ("true", "1")


def _notification(notification_id: str, fields: Mapping[str, Value]) -> str:
    if "Id" not in fields:
        raise ValueError("every Lead needs its Id")
    names = ["Id", *sorted(name for name in fields if name != "Id")]
    inner = "".join(f"     {_element(f'sf:{name}', fields[name])}\n" for name in names)
    return (
        "   <Notification>\n"
        f"    <Id>{escape(notification_id)}</Id>\n"
        '    <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">\n'
        f"{inner}"
        "    </sObject>\n"
        "   </Notification>\n"
    )


def _element(tag: str, value: Value) -> str:
    if value is None:
        return f'<{tag} xsi:nil="true"/>'
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"<{tag}>{escape(text)}</{tag}>"
