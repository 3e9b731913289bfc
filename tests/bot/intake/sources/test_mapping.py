"""The mapping of source records onto intake bodies, pure: default maps against sample
bodies from the vendors' docs, dotted paths, extras, owners through crm_ids, the domain."""

from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.intake.sources import hubspot
from bot.intake.sources.kinds import lead_body
from bot.intake.sources.mapping import normalise_domain
from bot.intake.validate import validate_lead
from tests import factories as f

ENV = {"HS_SECRET": "s", "MK_TOKEN": "t"}
BEN_HUBSPOT, BEN_SALESFORCE = "51234567", "0055e000001AbCdEAF"


def config(**marketo):
    data = f.config_data(
        sources=[
            {"name": "hubspot", "kind": "hubspot", "secret_env": "HS_SECRET"},
            {"name": "marketo", "kind": "json", "token_env": "MK_TOKEN", **marketo},
        ]
    )
    data["people"][1]["crm_ids"] = {"hubspot": BEN_HUBSPOT, "salesforce": BEN_SALESFORCE}
    return parse_config(data, environ=ENV)


# After the sample response of "Get a contact by email" (legacy contacts v1), the shape a
# workflow's Send a webhook action sends with "Include all contact properties":
# https://developers.hubspot.com/docs/api-reference/legacy/crm-contacts-v1/get-contacts-v1-contact-email-contact-email-profile
LEGACY_CONTACT = {
    "vid": 3234574,
    "canonical-vid": 3234574,
    "merged-vids": [],
    "portal-id": 62515,
    "is-contact": True,
    "properties": {
        "lead_source": {"value": "DiscoverOrg", "versions": [{"value": "DiscoverOrg"}]},
        "hubspotscore": {"value": "72"},
        "annualrevenue": {"value": "181900000"},
        "state": {"value": "MA"},
        "zip": {"value": "02139"},
        "lastname": {"value": "Test"},
        "firstname": {"value": "HubSpot"},
        "phone": {"value": "555-122-2323"},
        "email": {"value": "testingapis@hubspot.com"},
        "company": {"value": "HubSpot"},
        "website": {"value": "http://www.hubspot.com/pricing"},
        "numemployees": {"value": "1000"},
        "jobtitle": {"value": "Developer"},
        "country": {"value": "US"},
        "hubspot_owner_id": {"value": BEN_HUBSPOT},
    },
}


def mapped(source: str, body, **marketo):
    cfg = config(**marketo)
    result, errors = lead_body(cfg.source(source), body, cfg.people)
    assert result is not None, errors
    return result


def test_hubspot_default_map_on_the_legacy_contact_sample():
    body = mapped("hubspot", LEGACY_CONTACT).body
    lead, errors = validate_lead(body)
    assert errors == []
    assert (lead.external_id, lead.email, lead.source) == (
        "3234574",
        "testingapis@hubspot.com",
        "hubspot",
    )
    assert lead.fields == {
        "first_name": "HubSpot",
        "last_name": "Test",
        "title": "Developer",
        "company": "HubSpot",
        "company_domain": "hubspot.com",
        "country": "US",
        "employees": 1000,
        "score": 72.0,
        "owner_email": "ben@example.com",
    }
    # Unmapped fields are kept as extra fields, under their own names.
    assert lead.extra["lead_source"] == "DiscoverOrg" and lead.extra["zip"] == "02139"
    assert lead.extra["portal-id"] == 62515
    assert "hubspot_owner_id" not in lead.extra and "website" not in lead.extra


def test_hubspot_flat_body_and_domain_fallback():
    body = {
        "hs_object_id": "501",
        "email": "kim@globex.example",
        "domain": "globex.example",
        "hs_lead_status": "NEW",
    }
    lead, errors = validate_lead(mapped("hubspot", body).body)
    assert errors == []
    assert lead.external_id == "501" and lead.fields["company_domain"] == "globex.example"
    assert lead.extra == {"hs_lead_status": "NEW"}


def test_hubspot_object_record_with_plain_values():
    body = {"objectId": 77, "properties": {"email": "a@b.example", "hs_object_id": "77"}}
    lead, _ = validate_lead(mapped("hubspot", body).body)
    assert lead.external_id == "77" and "hs_object_id" not in lead.extra


@pytest.mark.parametrize(
    "body",
    [
        {"hs_object_id": "101", "email": "a@b.example", "external_id": "ERP-9"},
        {"objectId": 101, "properties": {"email": "a@b.example", "external_id": "ERP-9"}},
    ],
)
def test_a_hubspot_property_named_external_id_never_replaces_the_contact_id(body):
    """The CRM write-back names the contact by the lead's external_id."""
    lead, errors = validate_lead(mapped("hubspot", body).body)
    assert errors == []
    assert lead.external_id == "101" and lead.extra == {"external_id property": "ERP-9"}


def test_a_salesforce_owner_configured_in_15_characters_matches_the_18_sent():
    data = f.config_data()
    data["people"][1]["crm_ids"] = {"salesforce": BEN_SALESFORCE[:15]}
    people = parse_config(data).people
    from bot.intake.sources.mapping import owner_email

    assert owner_email(BEN_SALESFORCE, people, ("salesforce",)) == "ben@example.com"
    assert owner_email(BEN_SALESFORCE[:14] + "x", people, ("salesforce",)) is None


@pytest.mark.parametrize(
    ("band", "count"),
    [("1-5", 1), ("25-50", 25), ("500-1000", 500), ("1000+", 1000), ("10,000+", 10000),
     ("250", 250), (" 5 - 25 ", 5)],
)  # fmt: skip
def test_hubspots_headcount_band_is_its_lower_bound(band, count):
    """A contact's numemployees is a dropdown of bands: each is a number intake takes."""
    body = {"hs_object_id": "7", "email": "a@b.example", "numemployees": band}
    lead, errors = validate_lead(mapped("hubspot", body).body)
    assert errors == [] and lead.fields["employees"] == count


def test_a_headcount_that_is_no_band_is_still_refused_by_name():
    body = {"hs_object_id": "7", "email": "a@b.example", "numemployees": "lots"}
    lead, errors = validate_lead(mapped("hubspot", body).body)
    assert lead is None and [e.field for e in errors] == ["employees"]


def test_unknown_hubspot_owner_is_kept_as_extra_and_owner_left_to_routing():
    body = {"hs_object_id": "1", "email": "a@b.example", "hubspot_owner_id": "999"}
    out = mapped("hubspot", body).body
    assert "owner_email" not in out and out["hubspot_owner_id"] == "999"


@pytest.mark.parametrize(
    ("owner", "email"),
    [
        (BEN_SALESFORCE, "ben@example.com"),
        (BEN_HUBSPOT, "ben@example.com"),
        (BEN_SALESFORCE[:15], "ben@example.com"),  # a Salesforce id in its other form
        ("x@y.example", "x@y.example"),
    ],
)
def test_json_owner_is_an_email_or_either_crms_id(owner, email):
    body = {"leadId": 5, "email": "a@b.example", "rep": {"id": owner}}
    out = mapped("marketo", body, map={"external_id": "leadId", "owner": "rep.id"}).body
    assert out["owner_email"] == email and "rep" not in out


# A Marketo "Call Webhook" body: a template of {{lead.…}} tokens the admin writes, here
# with a nested program object (docs.marketo.com → Create a Webhook).
MARKETO = {
    "leadId": 1234,
    "email": "pat@initech.example",
    "firstName": "Pat",
    "leadScore": "88",
    "program": {"name": "Q4 webinar", "channel": "Webinar"},
    "utm_source": "linkedin",
}
MARKETO_MAP = {
    "external_id": "leadId",
    "email": "email",
    "first_name": "firstName",
    "score": "leadScore",
    "campaign": "program.name",
}


def test_json_map_with_dotted_paths_and_extras():
    lead, errors = validate_lead(mapped("marketo", MARKETO, map=MARKETO_MAP).body)
    assert errors == []
    assert lead.external_id == "1234" and lead.source == "marketo"
    assert lead.fields["campaign"] == "Q4 webinar" and lead.fields["score"] == 88.0
    assert lead.extra == {"utm_source": "linkedin"}  # "program" was used by program.name


def test_errors_are_named_as_the_source_names_its_fields():
    body = {"hs_object_id": "1", "properties": {"email": "nope", "numemployees": "many"}}
    result = mapped("hubspot", body)
    _, errors = validate_lead(result.body)
    assert {e.field for e in result.source_errors(errors)} == {
        "properties.email",
        "properties.numemployees",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"objectId": 1}], "body"),
        ({"email": "a@b.example"}, "hs_object_id"),
        ({"properties": {"email": "a@b.example"}}, "objectId"),
        ("text", "body"),
    ],
)
def test_hubspot_bodies_it_cannot_read(body, field):
    cfg = config()
    result, errors = lead_body(cfg.source("hubspot"), body, cfg.people)
    assert result is None and [e.field for e in errors] == [field]


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.Acme.com/pricing?x=1", "Acme.com"),
        ("acme.com", "acme.com"),
        ("http://acme.com:8080", "acme.com"),
        ("WWW.acme.co.uk/", "acme.co.uk"),
    ],
)
def test_domain_is_normalised(value, domain):
    assert normalise_domain(value) == domain


def test_hubspot_signature_decodes_the_escapes_hubspot_decodes():
    a = hubspot.signature("s", "POST", "https://x.example/a%3Ab%2Fc?q=%40", b"{}", "1")
    b = hubspot.signature("s", "POST", "https://x.example/a:b/c?q=@", b"{}", "1")
    c = hubspot.signature("s", "POST", "https://x.example/a%20b", b"{}", "1")
    assert a == b and c != hubspot.signature("s", "POST", "https://x.example/a b", b"{}", "1")
