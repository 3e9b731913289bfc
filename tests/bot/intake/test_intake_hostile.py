"""Hostile bodies on POST /api/leads and POST /slack/events: a clear 4xx, never a 500,
and the keep-alive connection still serves the next request (issue 8)."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlmodel import select

from storage.db import unit_of_work
from storage.models import Lead
from tests import factories as f
from tests.conftest import INTAKE_TOKEN

AUTH = {"Authorization": f"Bearer {INTAKE_TOKEN}", "Content-Type": "application/json"}


def raw_lead(**raw_fields: str) -> bytes:
    """A valid lead body with `raw_fields` spliced in as raw JSON text (in place of the
    body's own: a key given twice is refused in its own right)."""
    base = {k: v for k, v in f.lead_body().items() if k not in raw_fields}
    body = json.dumps(base)[:-1]
    extra = "".join(f', "{name}": {text}' for name, text in raw_fields.items())
    return (body + extra + "}").encode()


def assert_then_healthy(bot, response: httpx.Response, status: int, fields: set[str]) -> None:
    assert response.status_code == status, response.text
    if status == 422:
        assert {e["field"] for e in response.json()["errors"]} == fields
    # The same keep-alive connection serves the next request.
    again = bot.post_lead(f.lead_body())
    assert again.status_code == 202, again.text


def lead_count(bot) -> int:
    with unit_of_work(bot.runtime.engine) as session:
        return len(session.exec(select(Lead)).all())


DEEP = "[" * 10_000 + "]" * 10_000
HUGE = "9" * 5_000


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (raw_lead(lifecycle=DEEP), {"lifecycle"}),
        (raw_lead(lifecycle='{"a":' * 40 + "1" + "}" * 40), {"lifecycle"}),
        (raw_lead(score=HUGE), {"score"}),
        (raw_lead(employees=HUGE), {"employees"}),
        (raw_lead(utm=HUGE), {"utm"}),
        (raw_lead(utm=f'{{"deep": [1, {HUGE}]}}'), {"utm"}),
        (raw_lead(score="1e999"), {"score"}),
        (raw_lead(utm="-1e999"), {"utm"}),
        (raw_lead(score="NaN"), {"score"}),
        (raw_lead(utm="Infinity"), {"utm"}),
        (raw_lead(company='"Acme \\ud800"'), {"company"}),
        (raw_lead(notes='"\\udfff alone"'), {"notes"}),
        (raw_lead(utm='"\\ud800"'), {"utm"}),
        (raw_lead(utm='{"\\ud800": 1}'), {"utm"}),
        (raw_lead(**{"\\ud800": "1"}), {"\\ud800"}),
        (raw_lead(company='"nul \\u0000 byte"'), {"company"}),
        (raw_lead(utm='{"k": "nul \\u0000"}'), {"utm"}),
        (raw_lead(**{"k" * 5000: "1"}), {"k" * 60 + "…"}),
        (
            raw_lead(activities='[{"type": "page_view", "detail": "\\ud800"}]'),
            {"activities"},
        ),
        (raw_lead(activities='[{"type": "x", "duration_s": 1e300}]'), {"activities"}),
        # the same key twice: which value is meant cannot be known
        (raw_lead(email='"first@acme.example", "email": "second@acme.example"'), {"email"}),
        (raw_lead(utm='{"a": 1, "a": 2}'), {"a"}),
    ],
    ids=lambda v: None if isinstance(v, bytes) else ",".join(sorted(v))[:30],
)
def test_hostile_intake_bodies_are_422_naming_the_field(bot, raw, fields):
    before = lead_count(bot)
    response = bot.http.post("/api/leads", content=raw, headers=AUTH)
    errors = response.json().get("errors", []) if response.status_code == 422 else []
    paths = {e["field"].split("[")[0].split(".")[0] for e in errors}
    assert response.status_code == 422, response.text
    assert paths == fields, errors
    assert all(e["message"] for e in errors)
    assert lead_count(bot) == before
    assert_then_healthy(bot, bot.post_lead(f.lead_body()), 202, set())


def test_surrogate_inside_an_activity_names_the_activity_field(bot):
    raw = raw_lead(activities='[{"type": "page_view", "detail": "x\\ud800"}]')
    response = bot.http.post("/api/leads", content=raw, headers=AUTH)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["activities[0].detail"]


def test_a_key_that_looks_internal_is_just_an_unknown_field(bot):
    raw = raw_lead(**{"\\u0000deep": "[1]", "x": '"\\ud800"'})
    response = bot.http.post("/api/leads", content=raw, headers=AUTH)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"\x00deep", "x"}


def test_every_bad_field_is_named_beside_one_nested_too_deeply(bot):
    raw = raw_lead(lifecycle=DEEP, score='"high"', utm='"\\ud800"')
    response = bot.http.post("/api/leads", content=raw, headers=AUTH)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"lifecycle", "score", "utm"}


def test_many_unknown_fields_are_refused(bot):
    body = {**f.lead_body(), **{f"k{i}": i for i in range(500)}}
    response = bot.post_lead(body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


@pytest.mark.parametrize(
    "raw",
    [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000, HUGE.encode()],
    ids=["deep-array", "deep-object", "huge-int"],
)
def test_hostile_body_that_is_not_an_object_is_422_on_the_body(bot, raw):
    response = bot.http.post("/api/leads", content=raw, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] in {"body", "a"}
    assert_then_healthy(bot, bot.post_lead(f.lead_body()), 202, set())


def test_keep_alive_survives_every_error_answer(bot):
    """401, 413 (with and without Content-Length), 422 and 404 leave the connection usable."""
    with httpx.Client(base_url=bot.url, timeout=10) as http:
        answers = [
            http.post("/api/leads", content=b"{}", headers={"Authorization": "Bearer no"}),
            http.post("/api/leads", content=b"x" * (2 * 1024 * 1024), headers=AUTH),
            http.post("/api/leads", content=iter([b" " * (1024 * 1024), b" " * 10]), headers=AUTH),
            http.post("/api/leads", content=raw_lead(lifecycle=DEEP), headers=AUTH),
            http.post("/slack/events", content=b"x" * (2 * 1024 * 1024)),
            http.get("/nowhere"),
        ]
        assert [a.status_code for a in answers] == [401, 413, 413, 422, 413, 404]
        ok = http.post("/api/leads", json=f.lead_body(), headers=AUTH)
        assert ok.status_code == 202


# -- POST /slack/events -------------------------------------------------------------------


def test_slack_events_body_over_one_mebibyte_is_413_before_reading_it(bot):
    def chunks():
        for _ in range(64):
            yield b"x" * (64 * 1024)

    streamed = bot.http.post("/slack/events", content=chunks())
    assert streamed.status_code == 413
    declared = bot.http.post("/slack/events", content=b"x" * (1024 * 1024 + 1))
    assert declared.status_code == 413


@pytest.mark.parametrize("timestamp", ["soon", "", "²".encode("latin-1"), "9" * 5000, "-5", "1.5"])
def test_slack_events_non_numeric_timestamp_is_401(bot, timestamp):
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": "v0=" + "0" * 64,
        "Content-Type": "application/json",
    }
    response = bot.http.post(
        "/slack/events", content=b'{"type": "event_callback"}', headers=headers
    )
    assert response.status_code == 401


def test_slack_events_non_ascii_signature_is_401(bot):
    headers = {
        "X-Slack-Request-Timestamp": "1700000000",
        "X-Slack-Signature": b"v0=\xff\xfe",
        "Content-Type": "application/json",
    }
    response = bot.http.post("/slack/events", content=b"{}", headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    ["payload=%7Bnot+json", "payload=" + "%5B" * 10_000, '{"type": ' * 5000, "{" + HUGE + "}"],
    ids=["bad-payload", "deep-payload", "deep-json", "huge"],
)
def test_signed_but_malformed_slack_bodies_are_4xx(bot, body):
    content_type = (
        "application/x-www-form-urlencoded" if body.startswith("payload") else "application/json"
    )
    response = bot.peer.post(body, content_type)
    assert 400 <= response.status_code < 500, response.text
    assert bot.http.get("/healthz").status_code == 200


@pytest.mark.parametrize("length", ["abc", "-1", "1e3"])
def test_bad_content_length_is_4xx(bot, length):
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(bot.url)
    with socket.create_connection((where.hostname, where.port), timeout=5) as sock:
        sock.sendall(
            f"POST /api/leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {INTAKE_TOKEN}\r\n"
            f"Content-Length: {length}\r\n\r\n{{}}".encode()
        )
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 4"), answer
