"""Salesforce Outbound Messages (`kind: salesforce`): the SOAP `notifications()` call, parsed
with a hardened XML parser, and the `notificationsResponse` Ack. Pure: no I/O, no database.

The message, as Salesforce's "Understanding the Outbound Messaging WSDL" defines it: a SOAP 1.1
`Envelope/Body/notifications` in the `http://soap.sforce.com/2005/09/outbound` namespace, with
`OrganizationId`, `ActionId`, `SessionId` (nillable), `EnterpriseUrl`, `PartnerUrl` and up to
100 `Notification`s. Each holds its own `Id` (a notification id, `04l…`, the same on every
retry of it) and an `sObject` (`xsi:type="sf:Lead"`) whose children, in the
`urn:sobject.enterprise.soap.sforce.com` namespace, are the fields chosen for the message; a
field that has no value may come as `xsi:nil="true"`.

Refused, each with the field it concerns: a body that is not XML, a DTD (so no entity, internal
or external, is ever expanded or fetched), anything but that envelope, more than 100
notifications, a notification without `Id`, `sObject` or `sObject.Id`, and more fields or
longer values than any real Lead has.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Final
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from bot.crm_ids import NOT_AN_ID, salesforce_id15
from bot.intake.body import FieldError, show_key

SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND: Final = "http://soap.sforce.com/2005/09/outbound"
SOBJECT: Final = "urn:sobject.enterprise.soap.sforce.com"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
ACK_CONTENT_TYPE: Final = "text/xml; charset=utf-8"

MAX_BODY_BYTES = 1024 * 1024  # the endpoint answers 413 first; this is only a backstop
MAX_NOTIFICATIONS = 100  # the WSDL's maxOccurs
MAX_FIELDS = 1000  # per sObject: Unlimited Edition allows 800 custom fields, plus standard ones
MAX_VALUE_LENGTH = 131_072  # Salesforce's longest text field (Long Text Area, Rich Text)
MAX_KEY_LENGTH = 100  # field API names are at most 40 characters plus `__c` and a namespace

# Handshake lead field ← Salesforce Lead field. `owner` is a Salesforce User id, resolved
# through `people[].crm_ids.salesforce`. Salesforce has no standard score field: use `map`.
DEFAULT_MAP: Final[dict[str, str]] = {
    "external_id": "Id",
    "email": "Email",
    "first_name": "FirstName",
    "last_name": "LastName",
    "title": "Title",
    "company": "Company",
    "country": "Country",
    "industry": "Industry",
    "employees": "NumberOfEmployees",
    "company_domain": "Website",
    "campaign": "LeadSource",
    "owner": "OwnerId",
}


class SoapProblem(ValueError):
    """The message cannot be taken: answer 422 with `errors`, store nothing."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field} {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Notification:
    id: str  # the notification's id: the same on every retry of it
    sobject_type: str | None  # "Lead", from xsi:type="sf:Lead"
    fields: dict[str, str | None]  # Salesforce field name → text (None: xsi:nil)


@dataclass(frozen=True)
class OutboundMessage:
    organization_id: str
    action_id: str
    session_id: str | None
    enterprise_url: str | None
    partner_url: str | None
    notifications: list[Notification]


def parse_outbound_message(raw: bytes) -> OutboundMessage:
    """The message in `raw`, or SoapProblem naming every field that is wrong."""
    body = _notifications_element(_parse(raw))
    errors: list[FieldError] = []
    org = _text_child(body, "OrganizationId", "OrganizationId", errors, required=True)
    action = _text_child(body, "ActionId", "ActionId", errors, required=True)
    if org is not None and salesforce_id15(org) is None:
        errors.append(FieldError("OrganizationId", NOT_AN_ID))
    session = _text_child(body, "SessionId", "SessionId", errors)
    enterprise = _text_child(body, "EnterpriseUrl", "EnterpriseUrl", errors)
    partner = _text_child(body, "PartnerUrl", "PartnerUrl", errors)
    elements = body.findall(f"{{{OUTBOUND}}}Notification")
    if len(elements) > MAX_NOTIFICATIONS:
        raise SoapProblem(
            [
                FieldError(
                    "Notification",
                    f"occurs {len(elements)} times; at most {MAX_NOTIFICATIONS} are accepted",
                )
            ]
        )
    if not elements:
        errors.append(FieldError("Notification", "is missing: the message holds no notification"))
    notifications = [_notification(e, f"Notification[{i}]", errors) for i, e in enumerate(elements)]
    if errors:
        raise SoapProblem(errors)
    return OutboundMessage(org or "", action or "", session, enterprise, partner, notifications)


def ack(ok: bool = True) -> bytes:
    """The `notificationsResponse` Salesforce expects (send as ACK_CONTENT_TYPE). Only
    `<Ack>true</Ack>` marks the message delivered; anything else is retried for 24 hours."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>'
        f'<notificationsResponse xmlns="{OUTBOUND}"><Ack>{"true" if ok else "false"}</Ack>'
        "</notificationsResponse></soapenv:Body></soapenv:Envelope>"
    ).encode()


def organization_matches(message: OutboundMessage, expected_id: str) -> bool:
    """Whether the message comes from the org `expected_id` names. Either may be 15 or 18
    characters long (Salesforce sends 18; Setup shows 15): both are compared in their
    case-sensitive 15-character form (`bot.crm_ids`), so "00D5e000000ABCD" and
    "00D5e000000ABCDEA4" name the same org and "00d5e000000abcd" does not."""
    got, want = salesforce_id15(message.organization_id), salesforce_id15(expected_id.strip())
    return got is not None and want is not None and hmac.compare_digest(got, want)


def _parse(raw: bytes) -> Element:
    if len(raw) > MAX_BODY_BYTES:
        raise SoapProblem([FieldError("body", f"is {len(raw)} bytes; at most {MAX_BODY_BYTES}")])
    try:
        return fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        problem = (
            "has a document type declaration (<!DOCTYPE …>): DTDs are refused, so no entity"
            " is expanded and nothing outside the message is read"
        )
    except EntitiesForbidden:
        problem = "declares an entity: entities are refused"
    except ExternalReferenceForbidden:
        problem = "refers to an external resource: external references are refused"
    except ParseError as exc:
        problem = f"is not well-formed XML ({exc})"
    raise SoapProblem([FieldError("body", problem)])


def _notifications_element(root: Element) -> Element:
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapProblem(
            [FieldError("body", f"is not a SOAP 1.1 envelope (its root is {show_key(root.tag)})")]
        )
    body = root.find(f"{{{SOAP_ENV}}}Body")
    found = None if body is None else body.find(f"{{{OUTBOUND}}}notifications")
    if found is None:
        raise SoapProblem(
            [
                FieldError(
                    "notifications",
                    f"is missing: the SOAP body holds no notifications element in {OUTBOUND}",
                )
            ]
        )
    return found


def _notification(element: Element, path: str, errors: list[FieldError]) -> Notification:
    notification_id = _text_child(element, "Id", f"{path}.Id", errors, required=True)
    sobjects = element.findall(f"{{{OUTBOUND}}}sObject")
    if len(sobjects) != 1:
        errors.append(
            FieldError(f"{path}.sObject", "is missing" if not sobjects else "occurs more than once")
        )
        return Notification(notification_id or "", None, {})
    sobject = sobjects[0]
    kind = sobject.get(f"{{{XSI}}}type")
    fields = _fields(sobject, f"{path}.sObject", errors)
    record_id = fields.get("Id")
    if not record_id:
        errors.append(
            FieldError(f"{path}.sObject.Id", "is missing: every sObject has its record Id")
        )
    elif salesforce_id15(record_id) is None:
        errors.append(FieldError(f"{path}.sObject.Id", NOT_AN_ID))
    return Notification(notification_id or "", kind.rpartition(":")[2] if kind else None, fields)


def _fields(sobject: Element, path: str, errors: list[FieldError]) -> dict[str, str | None]:
    """The sObject's fields. A compound field (an address) comes out flattened, one key per
    component (`Address.city`); anything nested deeper is refused."""
    if len(sobject) > MAX_FIELDS:
        errors.append(
            FieldError(path, f"has {len(sobject)} fields; at most {MAX_FIELDS} are accepted")
        )
        return {}
    fields: dict[str, str | None] = {}
    for child in sobject:
        name = _local(child, path, errors)
        if name is None:
            continue
        parts = (
            [(name, child)]
            if len(child) == 0
            else [(f"{name}.{c.tag.rpartition('}')[2]}", c) for c in child]
        )
        for key, element in parts:
            if len(element):
                errors.append(
                    FieldError(
                        f"{path}.{key}",
                        "is nested more than one level deep; Outbound Messages send plain fields",
                    )
                )
            elif key in fields:
                errors.append(FieldError(f"{path}.{key}", "occurs more than once"))
            else:
                fields[key] = _value(element, f"{path}.{key}", errors)
    return fields


def _local(child: Element, path: str, errors: list[FieldError]) -> str | None:
    namespace, _, name = child.tag.rpartition("}")
    if namespace.lstrip("{") != SOBJECT:
        errors.append(FieldError(f"{path}.{show_key(name)}", f"is not in the {SOBJECT} namespace"))
        return None
    if len(name) > MAX_KEY_LENGTH:
        errors.append(
            FieldError(
                f"{path}.{show_key(name)}",
                f"is a field name of {len(name)} characters; at most {MAX_KEY_LENGTH}",
            )
        )
        return None
    return name


def _text_child(
    parent: Element, tag: str, path: str, errors: list[FieldError], *, required: bool = False
) -> str | None:
    found = parent.findall(f"{{{OUTBOUND}}}{tag}")
    if len(found) > 1:
        errors.append(FieldError(path, "occurs more than once"))
        return None
    if not found:
        if required:
            errors.append(FieldError(path, "is missing"))
        return None
    if len(found[0]):
        errors.append(FieldError(path, "has child elements; a text value is expected"))
        return None
    value = _value(found[0], path, errors)
    value = value.strip() if value is not None else None
    if required and not value:
        errors.append(FieldError(path, "is empty"))
    return value


def _value(element: Element, path: str, errors: list[FieldError]) -> str | None:
    if element.get(f"{{{XSI}}}nil") in ("true", "1"):
        return None
    text = element.text or ""
    if len(text) > MAX_VALUE_LENGTH:
        errors.append(
            FieldError(path, f"is {len(text)} characters long; at most {MAX_VALUE_LENGTH}")
        )
        return None
    return text
