"""Salesforce Outbound Messages: the hardened parser, the Ack, org ids, the stand-in sender."""

from __future__ import annotations

import sys
import threading

import httpx
import pytest
from defusedxml.ElementTree import fromstring
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.crm_ids import salesforce_id15
from bot.intake.sources.salesforce import (
    ACK_CONTENT_TYPE,
    DEFAULT_MAP,
    MAX_FIELDS,
    MAX_VALUE_LENGTH,
    OUTBOUND,
    SOAP_ENV,
    SOBJECT,
    SoapProblem,
    ack,
    organization_matches,
    parse_outbound_message,
)
from sandbox import start_server
from standins.salesforce_outbound import (
    HEADERS,
    acked,
    case_safe_id,
    lead_message,
    record_id,
    send,
)

# Salesforce documents the message by its schema, not by a literal example: "Understanding the
# Outbound Messaging WSDL" (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/
# sforce_api_om_outboundmessaging_wsdl.htm) defines notifications (OrganizationId, ActionId,
# SessionId nillable, EnterpriseUrl, PartnerUrl, Notification maxOccurs=100) and Notification
# (Id, sObject of the object's enterprise type). This message is written to that schema for a
# Lead, in the shape Salesforce puts on the wire (a SessionId not sent is xsi:nil; the sObject
# declares the sf prefix for urn:sobject.enterprise.soap.sforce.com).
SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>00D5e000000ABCDEA4</OrganizationId>
   <ActionId>04k5e000000CaRkAAK</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>https://acme.my.salesforce.com/services/Soap/c/62.0/00D5e000000ABCD</EnterpriseUrl>
   <PartnerUrl>https://acme.my.salesforce.com/services/Soap/u/62.0/00D5e000000ABCD</PartnerUrl>
   <Notification>
    <Id>04l5e00000Gx7QzAAJ</Id>
    <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>00Q5e00000AbCdEEAV</sf:Id>
     <sf:Company>Acme Corporation</sf:Company>
     <sf:Country>Germany</sf:Country>
     <sf:Email>ada@acme.example</sf:Email>
     <sf:FirstName>Ada</sf:FirstName>
     <sf:Industry>Manufacturing</sf:Industry>
     <sf:LastName>Lovelace</sf:LastName>
     <sf:LeadSource>Web</sf:LeadSource>
     <sf:NumberOfEmployees>250</sf:NumberOfEmployees>
     <sf:OwnerId>0055e000003XyZaAAK</sf:OwnerId>
     <sf:Phone xsi:nil="true"/>
     <sf:Title>CTO</sf:Title>
     <sf:Website>https://www.acme.example</sf:Website>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>
"""
ORG = record_id("00D", 7)
ACTION = record_id("04k", 1)


def lead(number: int, **fields: str | int | None) -> dict[str, str | int | None]:
    return {"Id": record_id("00Q", number), "Email": f"lead{number}@acme.example", **fields}


def problems(raw: bytes) -> dict[str, str]:
    with pytest.raises(SoapProblem) as caught:
        parse_outbound_message(raw)
    return {e.field: e.message for e in caught.value.errors}


def envelope(notifications: str, header: str | None = None) -> bytes:
    header = header or f"<OrganizationId>{ORG}</OrganizationId><ActionId>{ACTION}</ActionId>"
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        f'<notifications xmlns="{OUTBOUND}">{header}{notifications}</notifications>'
        "</soapenv:Body></soapenv:Envelope>"
    ).encode()


def notification(sobject_fields: str, notification_id: str = "04l5e0000000001AAA") -> str:
    return (
        f"<Notification><Id>{notification_id}</Id>"
        '<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
        f"{sobject_fields}</sObject></Notification>"
    )


# The documented message


def test_the_documented_message_parses_to_its_fields():
    message = parse_outbound_message(SAMPLE)
    assert message.organization_id == "00D5e000000ABCDEA4"
    assert message.action_id == "04k5e000000CaRkAAK"
    assert message.session_id is None
    assert message.enterprise_url.endswith("/services/Soap/c/62.0/00D5e000000ABCD")
    assert message.partner_url.endswith("/services/Soap/u/62.0/00D5e000000ABCD")
    [only] = message.notifications
    assert (only.id, only.sobject_type) == ("04l5e00000Gx7QzAAJ", "Lead")
    assert only.fields["Id"] == "00Q5e00000AbCdEEAV"
    assert only.fields["NumberOfEmployees"] == "250"
    assert only.fields["Phone"] is None


def test_the_default_mapping_finds_every_lead_field_in_the_documented_message():
    fields = parse_outbound_message(SAMPLE).notifications[0].fields
    mapped = {ours: fields[theirs] for ours, theirs in DEFAULT_MAP.items()}
    assert mapped == {
        "external_id": "00Q5e00000AbCdEEAV",
        "email": "ada@acme.example",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "title": "CTO",
        "company": "Acme Corporation",
        "country": "Germany",
        "industry": "Manufacturing",
        "employees": "250",
        "company_domain": "https://www.acme.example",
        "campaign": "Web",
        "owner": "0055e000003XyZaAAK",
    }
    assert "score" not in DEFAULT_MAP


# The stand-in's messages


def test_three_notifications_one_a_duplicate_lead_are_all_parsed_in_order():
    leads = [lead(1), lead(2, Title="VP"), lead(1, Title="CTO")]
    message = parse_outbound_message(lead_message(leads, organization_id=ORG, action_id=ACTION))
    assert [n.fields["Id"] for n in message.notifications] == [
        record_id("00Q", 1),
        record_id("00Q", 2),
        record_id("00Q", 1),
    ]
    assert len({n.id for n in message.notifications}) == 3
    assert message.notifications[2].fields["Title"] == "CTO"


def test_the_stand_ins_message_round_trips_every_value():
    fields = lead(
        3,
        Company="Smith & Söhne <GmbH>",
        Description="line one\nline two ]]> \"quoted\" 'single'",
        NumberOfEmployees=12,
        Title=None,
        HasOptedOutOfEmail=False,
    )
    body = lead_message(
        [fields], organization_id=ORG, action_id=ACTION, session_id="00D!AQ0AQH0dMHZf"
    )
    message = parse_outbound_message(body)
    assert (message.organization_id, message.action_id) == (ORG, ACTION)
    assert message.session_id == "00D!AQ0AQH0dMHZf"
    assert message.notifications[0].fields == {
        "Id": record_id("00Q", 3),
        "Email": "lead3@acme.example",
        "Company": "Smith & Söhne <GmbH>",
        "Description": "line one\nline two ]]> \"quoted\" 'single'",
        "NumberOfEmployees": "12",
        "Title": None,
        "HasOptedOutOfEmail": "false",
    }


def test_the_same_message_built_again_is_the_same_bytes_as_a_retry():
    build = lambda: lead_message([lead(1), lead(2)], organization_id=ORG, action_id=ACTION)  # noqa: E731
    assert build() == build()


# Hostile XML


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>&lol9;</OrganizationId>
</notifications></soapenv:Body></soapenv:Envelope>"""


def test_an_xml_bomb_is_refused_and_nothing_is_expanded():
    # An expanding parser would build 10^9 "lol"s: the suite's timeout, not a clock, catches it.
    with pytest.raises(SoapProblem) as caught:
        parse_outbound_message(BILLION_LAUGHS)
    [error] = caught.value.errors
    assert error.field == "body"
    assert "DTDs are refused" in error.message
    assert "lol" not in str(caught.value)


@pytest.fixture
def opened_paths():
    """Every path the process opens while the test runs (an audit hook stays installed for
    the life of the process, so it records only while the list is live)."""
    seen: list[str] = []
    live = threading.Event()
    live.set()

    def hook(event: str, args: tuple) -> None:
        if live.is_set() and event == "open" and args and isinstance(args[0], str):
            seen.append(args[0])

    sys.addaudithook(hook)
    yield seen
    live.clear()


def test_an_external_file_entity_is_refused_and_the_file_never_read(tmp_path, opened_paths):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:the-secret-line")
    opened_paths.clear()
    for target in ("file:///etc/passwd", secret.as_uri()):
        body = (
            f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "{target}">]>'
        ).encode() + envelope(notification("<sf:Id>&xxe;</sf:Id>"))
        found = problems(body)
        assert "DTDs are refused" in found["body"]
        assert "root:" not in str(found)
    assert not [p for p in opened_paths if p in ("/etc/passwd", str(secret))]


@pytest.fixture
def listener():
    """A real HTTP server that counts the requests it gets."""
    hits: list[str] = []

    async def anything(request: Request) -> Response:
        hits.append(request.url.path)
        return PlainTextResponse('<!ENTITY leak "fetched">')

    server = start_server(Starlette(routes=[Route("/{path:path}", anything)]))
    yield server.url, hits
    server.stop()


def test_an_external_http_entity_or_dtd_is_refused_and_never_fetched(listener):
    url, hits = listener
    bodies = [
        f'<!DOCTYPE e [<!ENTITY xxe SYSTEM "{url}/entity">]>'.encode()
        + envelope(notification("<sf:Id>&xxe;</sf:Id>")),
        f'<!DOCTYPE e SYSTEM "{url}/dtd">'.encode() + envelope(notification("")),
        f'<!DOCTYPE e [<!ENTITY % p SYSTEM "{url}/param"> %p;]>'.encode() + envelope(""),
    ]
    for body in bodies:
        assert "DTDs are refused" in problems(body)["body"]
    httpx.get(f"{url}/alive")  # the server was listening all along
    assert hits == ["/alive"]


def test_any_dtd_is_refused_even_a_harmless_one():
    body = b"<!DOCTYPE soapenv:Envelope>" + envelope(
        notification("<sf:Id>00Q5e0000000001EAA</sf:Id>")
    )
    assert "DTDs are refused" in problems(body)["body"]


def test_an_entity_without_a_dtd_is_not_well_formed():
    message = problems(envelope(notification("<sf:Id>&xxe;</sf:Id>")))["body"]
    assert message.startswith("is not well-formed XML (undefined entity")


# Malformed messages: each problem names its field


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (b"", "body", "not well-formed"),
        (b'{"email": "a@b.co"}', "body", "not well-formed"),
        (b"<a><b></a>", "body", "not well-formed"),
        (b"\xff\xfe<a/>", "body", "not well-formed"),
        (b"<Envelope/>", "body", "not a SOAP 1.1 envelope"),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            "body",
            "not a SOAP 1.1 envelope",
        ),
        (
            f'<e:Envelope xmlns:e="{SOAP_ENV}"><e:Body><notifications xmlns="urn:other">'
            "</notifications></e:Body></e:Envelope>".encode(),
            "notifications",
            "is missing",
        ),
        (b"x" * (1024 * 1024 + 1), "body", "at most 1048576"),
    ],
)
def test_a_body_that_is_not_an_outbound_message_is_refused(raw, field, words):
    assert words in problems(raw)[field]


def test_every_bad_field_is_named_at_once():
    good = "<sf:Id>00Q5e0000000001EAA</sf:Id>"
    body = envelope(
        notification(good)
        + "<Notification><sObject/></Notification>"
        + notification("<sf:Email>a@b.co</sf:Email>")
        + notification("<sf:Id>not-an-id</sf:Id>")
        + "<Notification><Id>04l5e0000000001AAA</Id></Notification>",
        header="<OrganizationId>acme</OrganizationId>",
    )
    assert problems(body) == {
        "OrganizationId": "is not a Salesforce id (15 or 18 letters and digits)",
        "ActionId": "is missing",
        "Notification[1].Id": "is missing",
        "Notification[1].sObject.Id": "is missing: every sObject has its record Id",
        "Notification[2].sObject.Id": "is missing: every sObject has its record Id",
        "Notification[3].sObject.Id": "is not a Salesforce id (15 or 18 letters and digits)",
        "Notification[4].sObject": "is missing",
    }


def test_a_message_without_notifications_is_refused():
    assert problems(envelope(""))["Notification"] == "is missing: the message holds no notification"


def test_more_than_100_notifications_are_refused():
    leads = [lead(i) for i in range(1, 102)]
    body = lead_message(leads, organization_id=ORG, action_id=ACTION)
    assert problems(body) == {"Notification": "occurs 101 times; at most 100 are accepted"}
    hundred = lead_message(leads[:100], organization_id=ORG, action_id=ACTION)
    assert len(parse_outbound_message(hundred).notifications) == 100


def test_fields_and_values_are_bounded():
    many = "".join(f"<sf:F{i}__c>x</sf:F{i}__c>" for i in range(MAX_FIELDS + 1))
    long_value = (
        "<sf:Id>00Q5e0000000001EAA</sf:Id>"
        + f"<sf:Description>{'x' * (MAX_VALUE_LENGTH + 1)}</sf:Description>"
    )
    found = problems(envelope(notification(many) + notification(long_value)))
    assert (
        found["Notification[0].sObject"]
        == f"has {MAX_FIELDS + 1} fields; at most {MAX_FIELDS} are accepted"
    )
    assert found["Notification[1].sObject.Description"].startswith(
        f"is {MAX_VALUE_LENGTH + 1} characters long"
    )


def test_a_compound_field_is_flattened_and_deeper_nesting_refused():
    address = (
        "<sf:Id>00Q5e0000000001EAA</sf:Id><sf:Address><sf:city>Berlin</sf:city>"
        '<sf:street xsi:nil="true"/></sf:Address>'
    )
    fields = parse_outbound_message(envelope(notification(address))).notifications[0].fields
    assert fields == {"Id": "00Q5e0000000001EAA", "Address.city": "Berlin", "Address.street": None}
    deep = "<sf:Id>00Q5e0000000001EAA</sf:Id><sf:A><sf:b><sf:c>x</sf:c></sf:b></sf:A>"
    assert problems(envelope(notification(deep))) == {
        "Notification[0].sObject.A.b": (
            "is nested more than one level deep; Outbound Messages send plain fields"
        )
    }


def test_a_repeated_field_or_a_field_outside_the_sobject_namespace_is_refused():
    body = envelope(
        notification(
            "<sf:Id>00Q5e0000000001EAA</sf:Id><sf:Email>a@b.co</sf:Email>"
            '<sf:Email>c@d.co</sf:Email><x:Email xmlns:x="urn:other">e@f.co</x:Email>'
        )
    )
    with pytest.raises(SoapProblem) as caught:
        parse_outbound_message(body)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("Notification[0].sObject.Email", "occurs more than once"),
        ("Notification[0].sObject.Email", f"is not in the {SOBJECT} namespace"),
    ]


# Org ids


def test_an_18_character_org_id_matches_its_15_character_form_and_no_other():
    message = parse_outbound_message(SAMPLE)  # OrganizationId 00D5e000000ABCDEA4
    assert organization_matches(message, "00D5e000000ABCD")
    assert organization_matches(message, "00D5e000000ABCDEA4")
    assert organization_matches(message, " 00D5e000000ABCD\n")
    assert organization_matches(message, "00D5E000000ABCDEA4")  # 18 characters: case-insensitive
    assert not organization_matches(message, "00D5e000000abcd")  # 15 characters: case-sensitive
    assert not organization_matches(message, "00D5e000000ABCE")
    assert not organization_matches(message, "00D5e000000ABCDEAA")  # a suffix for other capitals
    assert not organization_matches(message, "")
    assert not organization_matches(message, "00D5e000000ABC")


@pytest.mark.parametrize(
    ("id18", "id15"),
    [
        ("70130000001tcyIAAQ", "70130000001tcyI"),
        ("a0BA0000000L2ZCMA0", "a0BA0000000L2ZC"),
        ("AaaAABbbBBCccCCZZZ", "AaaAABbbBBCccCC"),
        ("ABCDEFGHIJKLMNO555", "ABCDEFGHIJKLMNO"),
    ],
)
def test_the_18_character_suffix_encodes_the_capitals(id18, id15):
    assert case_safe_id(id15) == id18
    assert salesforce_id15(id18) == salesforce_id15(id18.lower()) == id15
    assert salesforce_id15(id15) == id15


@pytest.mark.parametrize(
    "value", ["70130000001tcyI999", "70130000001tcyIAA", "7013000000-tcyIAAQ", "70130000001tcyI5AA"]
)
def test_a_value_that_cannot_be_an_id_has_no_15_character_form(value):
    assert salesforce_id15(value) is None


# The Ack


def test_the_ack_is_the_notifications_response_salesforce_expects():
    assert ACK_CONTENT_TYPE == "text/xml; charset=utf-8"
    root = fromstring(ack(), forbid_dtd=True)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    found = root.find(f"{{{SOAP_ENV}}}Body/{{{OUTBOUND}}}notificationsResponse/{{{OUTBOUND}}}Ack")
    assert found is not None and found.text == "true"
    assert fromstring(ack(False)).find(f".//{{{OUTBOUND}}}Ack").text == "false"


def test_salesforce_counts_only_a_200_with_ack_true_as_delivered():
    assert acked(httpx.Response(200, content=ack()))
    assert not acked(httpx.Response(200, content=ack(False)))
    assert not acked(httpx.Response(500, content=ack()))
    assert not acked(httpx.Response(200, content=b"OK"))
    assert not acked(httpx.Response(200, content=BILLION_LAUGHS))


# Over HTTP, as Salesforce sends it


def test_the_stand_in_posts_with_salesforces_headers_and_reads_the_ack():
    received: list[tuple[dict[str, str], list[str]]] = []

    async def endpoint(request: Request) -> Response:
        try:
            message = parse_outbound_message(await request.body())
        except SoapProblem as problem:
            return PlainTextResponse(str(problem), status_code=422)
        received.append((dict(request.headers), [n.fields["Id"] for n in message.notifications]))
        return Response(ack(), media_type=ACK_CONTENT_TYPE)

    server = start_server(Starlette(routes=[Route("/api/sources/sf", endpoint, methods=["POST"])]))
    try:
        body = lead_message([lead(1), lead(2)], organization_id=ORG, action_id=ACTION)
        response = send(f"{server.url}/api/sources/sf?token=t", body)
        assert acked(response)
        assert not acked(send(f"{server.url}/api/sources/sf", b"<not-soap/>"))
    finally:
        server.stop()
    [(headers, ids)] = received
    assert ids == [record_id("00Q", 1), record_id("00Q", 2)]
    assert headers["soapaction"] == '""' == HEADERS["SOAPAction"]
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert headers["user-agent"] == "Salesforce - Outbound Notification"
