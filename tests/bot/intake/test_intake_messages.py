"""The wording of each 422, pinned: the pydantic model says what today's checks said."""

from __future__ import annotations

import pytest

from bot.intake.validate import validate_lead

OK = {"external_id": "x1", "email": "a@b.example"}
NO_ID = "is required and must be a non-empty string"
ACTIVITIES = "must be a list of {type, detail, at, duration_s}"


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ({}, [("external_id", NO_ID), ("email", "is required")]),
        ({**OK, "external_id": "  "}, [("external_id", NO_ID)]),
        ({**OK, "external_id": "x" * 256}, [("external_id", "must be at most 255 characters")]),
        ({**OK, "email": None}, [("email", "is required")]),
        ({**OK, "email": "a@b"}, [("email", "is not a valid email address")]),
        ({**OK, "company": 42}, [("company", "must be a string")]),
        ({**OK, "title": "t" * 301}, [("title", "must be at most 300 characters")]),
        ({**OK, "owner_email": "nobody"}, [("owner_email", "is not a valid email address")]),
        ({**OK, "crm_url": "javascript:alert(1)"}, [("crm_url", "must be an http(s) URL")]),
        ({**OK, "score": "high"}, [("score", "must be a number")]),
        ({**OK, "score": True}, [("score", "must be a number")]),
        ({**OK, "score": -5}, [("score", "must be between 0 and 1e+06")]),
        ({**OK, "employees": 12.5}, [("employees", "must be a whole number")]),
        ({**OK, "employees": 10**8}, [("employees", "must be between 0 and 1e+07")]),
        ({**OK, "activities": "lots"}, [("activities", ACTIVITIES)]),
        ({**OK, "activities": [{}] * 1001}, [("activities", "must hold at most 1000 items")]),
        (
            {**OK, "activities": [5, {"detail": 1, "at": "yesterday", "duration_s": -1}]},
            [
                ("activities[0]", "must be an object"),
                ("activities[1].type", "is required and must be a string"),
                ("activities[1].detail", "must be a string"),
                ("activities[1].at", "must be an ISO 8601 date-time"),
                ("activities[1].duration_s", "must be a number of seconds from 0 to 31622400"),
            ],
        ),
        ("[1]", [("body", "must be a JSON object")]),
    ],
)  # fmt: skip
def test_each_bad_field_is_answered_in_todays_words(body, answer):
    lead, errors = validate_lead(body)
    assert lead is None
    assert [(e.field, e.message) for e in errors] == answer


def test_accepted_values_are_cleaned_as_before():
    lead, errors = validate_lead(
        {
            "external_id": 42,
            "email": " Lee@Example.COM ",
            "source": " ",
            "company_domain": " Acme.EXAMPLE ",
            "score": " 82.5 ",
            "employees": "12",
            "first_name": "",
            "activities": [{"type": "page_view", "duration_s": 5, "utm": "x"}],
            "utm_medium": {"k": [1]},
        }
    )
    assert errors == []
    assert (lead.external_id, lead.email, lead.source) == ("42", "lee@example.com", "api")
    assert lead.fields == {
        "company_domain": "acme.example",
        "score": 82.5,
        "employees": 12,
        "activities": [{"type": "page_view", "duration_s": 5, "utm": "x"}],
    }
    assert lead.extra == {"utm_medium": {"k": [1]}}
