"""The published API (GET /api/openapi.json): a valid OpenAPI 3.1 document whose lead schema
and the intake validator agree, on bodies generated from the document itself."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from bot.intake.body import parse_json
from bot.intake.openapi import openapi_document
from bot.intake.validate import validate_lead
from tests import factories as f

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]
AGREE = settings(
    max_examples=100,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def schema_of(name: str, **changes: Any) -> dict[str, Any]:
    """A component as a standalone JSON Schema: its `#/components/schemas/…` refs resolve."""
    return {**SCHEMAS[name], **changes, "components": DOCUMENT["components"]}


def conforms(value: Any, name: str) -> bool:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema_of(name), format_checker=checker).is_valid(value)


def through_intake(body: dict[str, Any]) -> tuple[Any, list[Any]]:
    """As the endpoint does it: the JSON text, parsed, then validated."""
    data, errors = parse_json(json.dumps(body).encode())
    return validate_lead(data, errors)


def test_the_document_is_valid_openapi_3_1():
    validate(DOCUMENT)
    assert DOCUMENT["openapi"] == "3.1.0"
    assert set(DOCUMENT["paths"]) == {"/api/leads", "/api/sources/{name}"}


def test_the_lead_schema_is_the_validators_model():
    lead = SCHEMAS["LeadBody"]
    assert lead["required"] == ["external_id", "email"]
    assert lead["additionalProperties"] is True
    assert lead["properties"]["activities"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/Activity"
    }
    assert not conforms({"external_id": "x1", "email": "not-an-email"}, "LeadBody")
    assert conforms(f.lead_body(), "LeadBody")


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a schema allows, for the JSON Schema pydantic writes for LeadBody (unknown
    fields are not generated: test_unknown_fields_are_kept covers them). Any other keyword
    it does not know fails the test rather than being ignored. (hypothesis-jsonschema, the
    library for this, breaks on the Hypothesis in use: it reaches into its internals.)"""
    if "$ref" in schema:
        return from_schema(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    known = {"type", "title", "description", "default", "additionalProperties", "anyOf"}
    kind, rules = schema.get("type"), {k: v for k, v in schema.items() if k not in known}
    if "anyOf" in schema:
        assert not rules, f"from_schema does not know {rules} beside anyOf"
        return st.one_of([from_schema(alternative) for alternative in schema["anyOf"]])
    if kind == "null":
        return st.none()
    if kind in ("integer", "number"):
        low, high = rules.pop("minimum", None), rules.pop("maximum", None)
        strategy = st.integers(low, high) if kind == "integer" else st.floats(low, high)
    elif kind == "string" and rules.pop("format", None) == "date-time":
        strategy = st.datetimes(timezones=st.just(UTC)).map(lambda t: t.isoformat())
    elif kind == "string":
        pattern, longest = rules.pop("pattern", None), rules.pop("maxLength", None)
        strategy = st.from_regex(pattern, fullmatch=True) if pattern else st.text()
        strategy = strategy.filter(lambda text: longest is None or len(text) <= longest)
    elif kind == "array":
        items, most = from_schema(rules.pop("items")), min(rules.pop("maxItems", 5), 5)
        strategy = st.lists(items, max_size=most)
    elif kind == "object":
        properties, needed = rules.pop("properties"), rules.pop("required", [])
        rules.pop("maxProperties", None), rules.pop("propertyNames", None)  # under 20 keys
        strategy = st.fixed_dictionaries(
            {name: from_schema(properties[name]) for name in needed},
            optional={n: from_schema(s) for n, s in properties.items() if n not in needed},
        )
    assert not rules, f"from_schema does not know {rules}"
    return strategy


LEADS = from_schema(SCHEMAS["LeadBody"])


@AGREE
@given(LEADS)
def test_every_body_the_document_allows_is_accepted(body):
    lead, errors = through_intake(body)
    assert errors == [] and lead is not None, (body, errors)


WRONG_FOR_EVERY_FIELD = st.booleans() | st.dictionaries(st.just("k"), st.integers(), max_size=1)
WRONG = {
    "email": st.sampled_from(["no-at-sign", "a@b", "two@at@signs.example", " ", 42]),
    "external_id": st.sampled_from(["", "   ", "x" * 256, 1.5, ["x"]]),
    "score": st.floats(1e6 + 1, 1e300) | st.floats(max_value=-0.01) | st.just("high"),
    "employees": st.sampled_from([0.5, -1, 10**7 + 1, "many"]),
    "crm_url": st.sampled_from(["javascript:alert(1)", "ftp://crm.example", "crm.example/x"]),
    "owner_email": st.sampled_from(["nobody", "a b@c.example"]),
    "company": st.integers(0, 10) | st.just("c" * 301),
    "activities": st.sampled_from(
        [
            "lots",
            [{"detail": "no type"}],
            [{"type": "page_view", "at": "yesterday"}],
            [{"type": "session", "duration_s": -1}],
            [{"type": "session", "duration_s": 366 * 24 * 3600 + 1}],
            [7],
            [{"type": "x"}] * 1001,
        ]
    ),
}


@AGREE
@given(
    body=LEADS,
    name=st.sampled_from(sorted(SCHEMAS["LeadBody"]["properties"])),
    data=st.data(),
)
def test_a_field_made_wrong_is_refused_by_both(body, name, data):
    wrong = data.draw(WRONG.get(name, WRONG_FOR_EVERY_FIELD) | WRONG_FOR_EVERY_FIELD)
    body = {**body, name: wrong}
    assert not conforms(body, "LeadBody"), body
    lead, errors = through_intake(body)
    assert lead is None
    assert {e.field.split("[")[0].split(".")[0] for e in errors} == {name}, errors


def test_the_description_is_served_without_a_token(bot):
    response = bot.http.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(json.dumps(DOCUMENT))
    validate(response.json())


@pytest.mark.parametrize(
    ("body", "token", "status", "component"),
    [
        (f.lead_body(external_id="oa-1"), None, 202, "LeadAccepted"),
        (f.lead_body(external_id="oa-2", score=20, activities=[]), None, 202, "LeadAccepted"),
        ({"external_id": "", "email": "x"}, None, 422, "FieldErrors"),
        (f.lead_body(), "wrong", 401, "Refusal"),
    ],
)
def test_the_answers_are_the_ones_described(bot, body, token, status, component):
    response = bot.post_lead(body, token=token) if token else bot.post_lead(body)
    assert response.status_code == status
    described = DOCUMENT["paths"]["/api/leads"]["post"]["responses"][str(status)]
    assert described["content"]["application/json"]["schema"]["$ref"].endswith(component)
    assert conforms(response.json(), component), response.json()


def test_a_duplicate_answer_is_the_one_described(bot):
    bot.post_lead(f.lead_body(external_id="oa-3"))
    again = bot.post_lead(f.lead_body(external_id="oa-3"))
    assert again.status_code == 200 and conforms(again.json(), "LeadDuplicate")
