"""Fuzzed intake bodies (hypothesis): never a 5xx, and each 422 names exactly the fields
that were made wrong. A valid lead gets some fields replaced, each by a value known to be
good or known to be bad; the bad ones are the fields the answer must name."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.intake.body import parse_json
from bot.intake.validate import validate_lead
from tests import factories as f
from tests.conftest import INTAKE_TOKEN


class Raw:
    """JSON text spliced in as is (NaN, huge integers, deep nesting)."""

    def __init__(self, text: str) -> None:
        self.text = text


GOOD_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
good_text = st.text(GOOD_CHARS, max_size=40)
bad_text = st.builds(
    lambda a, bad, b: a + bad + b,
    good_text,
    st.sampled_from(["\ud800", "\udfff", "\x00", "\udc00\ud800"]),
    good_text,
)
huge_int = st.integers(41, 6000).map(lambda n: Raw("7" * n))
non_finite = st.sampled_from([Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("1e999")])
deep = st.integers(18, 1500).map(lambda n: Raw("[" * n + "]" * n))
good_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | good_text
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(GOOD_CHARS, max_size=10), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
hostile = bad_text | huge_int | non_finite | deep

TEXT_FIELDS = ["first_name", "last_name", "title", "company", "industry", "campaign", "notes"]
good_activity = st.fixed_dictionaries(
    {"type": st.text(GOOD_CHARS, min_size=1, max_size=20).filter(str.strip)},
    optional={"detail": good_text, "duration_s": st.integers(0, 86_400)},
)
bad_activity = st.one_of(
    st.fixed_dictionaries({"type": st.just("page_view"), "detail": bad_text}),
    st.fixed_dictionaries({"type": bad_text}),
    st.fixed_dictionaries({"type": st.just("x"), "duration_s": huge_int | non_finite}),
    st.fixed_dictionaries({"detail": good_text}),  # no type
    st.fixed_dictionaries({"type": st.just("x"), "duration_s": st.integers(max_value=-1)}),
)


def field_values(name: str) -> st.SearchStrategy[tuple[Any, bool]]:
    """(value, is_bad) for one field."""
    if name in TEXT_FIELDS:
        good = good_text
        bad = bad_text | huge_int | st.integers() | st.lists(st.integers(), max_size=2)
    elif name == "score":
        good = st.integers(0, 10**6) | st.floats(0, 10**6) | st.integers(0, 999).map(str)
        bad = hostile | st.integers(max_value=-1) | st.floats(1e6 + 1, 1e300) | st.just("high")
    elif name == "employees":
        good = st.integers(0, 10**7)
        bad = hostile | st.floats(0.1, 0.9) | st.integers(10**7 + 1, 10**20)
    elif name == "activities":
        good = st.lists(good_activity, max_size=4)
        bad = st.lists(good_activity, max_size=2).flatmap(
            lambda items: bad_activity.map(lambda b: [*items, b])
        )
    elif name == "email":
        good = st.just("lee@example.com")
        bad = bad_text.map(lambda t: f"a{t}@example.com") | st.just("no-at-sign") | huge_int
    elif name == "external_id":
        good = st.integers(1, 10**12).map(lambda n: f"fz-{n}")
        bad = bad_text.map(lambda t: f"x{t}") | st.just("") | huge_int | deep
    else:  # an unknown field: kept, unless hostile
        good = good_json
        bad = hostile | st.dictionaries(st.just("k"), hostile, min_size=1)
    return good.map(lambda v: (v, False)) | bad.map(lambda v: (v, True))


UNKNOWN = st.text("abcdefghij_", min_size=1, max_size=12).map(lambda s: f"x_{s}")
FIELDS = st.lists(
    st.sampled_from([*TEXT_FIELDS, "score", "employees", "activities", "email", "external_id"])
    | UNKNOWN,
    min_size=1,
    max_size=5,
    unique=True,
)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, set[str]]:
    body: dict[str, Any] = f.lead_body()
    body["external_id"] = f"fz-{draw(st.integers(1, 10**12))}"
    bad: set[str] = set()
    for name in draw(FIELDS):
        value, is_bad = draw(field_values(name))
        body[name] = value
        if is_bad:
            bad.add(name)
    return encode(body), bad


def encode(body: dict[str, Any]) -> bytes:
    raws: list[str] = []

    def default(value: object) -> str:
        assert isinstance(value, Raw)
        raws.append(value.text)
        return f"\x01RAW{len(raws) - 1}\x01"

    text = json.dumps(body, default=default)
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x01RAW{i}\x01"), raw)
    return text.encode()


def roots(errors: list[dict[str, str]]) -> set[str]:
    return {e["field"].split("[")[0].split(".")[0] for e in errors}


def check(status: int, answer: dict[str, Any], bad: set[str]) -> None:
    assert status < 500, answer
    if bad:
        assert status == 422, answer
        assert roots(answer["errors"]) == bad, answer
        assert all(e["message"] for e in answer["errors"])
    else:
        assert status in (200, 202), answer


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@fuzz(1500)
@given(bodies())
def test_validation_of_fuzzed_bodies(case):
    raw, bad = case
    data, errors = parse_json(raw)
    lead, errors = validate_lead(data, errors)
    answer = {"errors": [{"field": e.field, "message": e.message} for e in errors]}
    check(422 if lead is None else 202, answer, bad)
    if lead is not None:
        for value in [*lead.fields.values(), *lead.extra.values()]:
            json.dumps(value, allow_nan=False).encode("utf-8")  # storable, postable


@pytest.fixture
def fuzz_bot(bot):
    return bot


@fuzz(120)
@given(case=bodies())
def test_fuzzed_bodies_over_http(fuzz_bot, case):
    raw, bad = case
    response = fuzz_bot.http.post(
        "/api/leads",
        content=raw,
        headers={"Authorization": f"Bearer {INTAKE_TOKEN}", "Content-Type": "application/json"},
    )
    check(response.status_code, response.json(), bad)
