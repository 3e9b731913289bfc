"""POST /api/leads, every row of DESIGN §3's table, over real HTTP."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from storage.db import unit_of_work
from storage.models import Event, Handoff, Lead, Outbox
from tests import factories as f


def counts(bot) -> tuple[int, int, int, int]:
    with unit_of_work(bot.runtime.engine) as session:
        return tuple(
            len(session.exec(select(t)).all())  # type: ignore[return-value]
            for t in (Lead, Handoff, Event, Outbox)
        )


def test_qualified_lead_is_routed(bot):
    response = bot.post_lead(f.lead_body())
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "routed" and body["owner"] == f.ANA and isinstance(body["id"], int)
    assert bot.slack.state.calls("chat.postMessage") == []  # the answer never waits on Slack


def test_lead_below_the_contract_stays_in_nurture(bot):
    response = bot.post_lead(f.lead_body(score=20, activities=[]))
    assert response.status_code == 202
    assert response.json() == {"id": response.json()["id"], "status": "nurture", "owner": None}
    with unit_of_work(bot.runtime.engine) as session:
        lead = session.get(Lead, response.json()["id"])
        assert lead.status == "nurture" and "below 60" in lead.nurture_reason
        assert session.exec(select(Handoff)).all() == []
        nurtured = session.exec(select(Event).where(Event.kind == "nurtured")).one()
        assert "below 60" in nurtured.data["reason"]
    assert bot.deliver() == 0


def test_missing_score_counts_as_zero_but_a_demo_request_qualifies(bot):
    demo = bot.post_lead(f.lead_body(score=None, activities=[{"type": "demo_request"}]))
    assert demo.json()["status"] == "routed"
    none = bot.post_lead(f.lead_body(score=None, activities=[]))
    assert none.json()["status"] == "nurture"


def test_numeric_string_score_is_accepted(bot):
    assert bot.post_lead(f.lead_body(score="82.5", activities=[])).json()["status"] == "routed"
    assert bot.post_lead(f.lead_body(score=" 90 ", employees="250")).status_code == 202


@pytest.mark.parametrize(("field", "value"), [
    ("score", "1_000"), ("score", "1e2"), ("score", "inf"), ("score", "0x10"),
    ("employees", "1e3"), ("employees", "2_50"),
])  # fmt: skip
def test_a_numeric_string_is_plain_decimals_as_the_schema_says(bot, field, value):
    """float() would take these; the published schema does not."""
    response = bot.post_lead(f.lead_body(**{field: value}))
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        (field, "must be a number")
    ]


def test_duplicate_answers_200_updates_fields_and_posts_nothing(bot):
    first = f.lead_body()
    created = bot.post_lead(first).json()
    bot.deliver()
    posts = len(bot.slack.state.calls("chat.postMessage"))
    again = bot.post_lead({**first, "title": "COO", "score": 90})
    assert again.status_code == 200
    assert again.json() == {"id": created["id"], "status": "duplicate"}
    bot.deliver()
    assert len(bot.slack.state.calls("chat.postMessage")) == posts
    with unit_of_work(bot.runtime.engine) as session:
        lead = session.get(Lead, created["id"])
        assert lead.title == "COO" and lead.score == 90
        assert len(session.exec(select(Handoff)).all()) == 1


def test_same_external_id_from_another_source_is_a_new_lead(bot):
    body = f.lead_body()
    a = bot.post_lead(body).json()
    b = bot.post_lead({**body, "source": "salesforce"}).json()
    assert a["id"] != b["id"] and b["status"] == "routed"


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_missing_or_wrong_token_is_401_and_stores_nothing(bot, token):
    before = counts(bot)
    response = bot.post_lead(f.lead_body(), token=token)
    assert response.status_code == 401
    assert counts(bot) == before


def test_token_is_checked_before_size_and_content(bot):
    response = bot.http.post(
        "/api/leads", content=b"x" * (2 * 1024 * 1024), headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


def test_body_over_one_mebibyte_is_413(bot):
    before = counts(bot)
    big = f.lead_body(notes="n" * (1024 * 1024))
    response = bot.post_lead(big)
    assert response.status_code == 413
    assert counts(bot) == before


def test_oversized_body_without_content_length_is_413(bot):
    def chunks():
        for _ in range(20):
            yield b" " * (64 * 1024)

    response = bot.http.post(
        "/api/leads", content=chunks(), headers={"Authorization": f"Bearer {'intake-test-token'}"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"external_id", "email"}),
        ({"external_id": "x1"}, {"email"}),
        ({"external_id": "x1", "email": "not-an-email"}, {"email"}),
        ({"external_id": "", "email": "a@b.example"}, {"external_id"}),
        ({"external_id": ["x"], "email": "a@b.example"}, {"external_id"}),
        ({"external_id": "x1", "email": "a@b.example", "score": "high"}, {"score"}),
        ({"external_id": "x1", "email": "a@b.example", "score": -5}, {"score"}),
        ({"external_id": "x1", "email": "a@b.example", "score": True}, {"score"}),
        ({"external_id": "x1", "email": "a@b.example", "employees": 12.5}, {"employees"}),
        ({"external_id": "x1", "email": "a@b.example", "activities": "lots"}, {"activities"}),
        (
            {"external_id": "x1", "email": "a@b.example", "activities": [{"detail": "x"}]},
            {"activities[0].type"},
        ),
        (
            {
                "external_id": "x1",
                "email": "a@b.example",
                "activities": [{"type": "page_view", "at": "yesterday"}],
            },
            {"activities[0].at"},
        ),
        (
            {
                "external_id": "x1",
                "email": "a@b.example",
                "activities": [{"type": "session", "duration_s": "long"}],
            },
            {"activities[0].duration_s"},
        ),
        (
            {"external_id": "x1", "email": "a@b.example", "crm_url": "javascript:alert(1)"},
            {"crm_url"},
        ),
        ({"external_id": "x1", "email": "a@b.example", "owner_email": "nobody"}, {"owner_email"}),
        ({"external_id": "x1", "email": "a@b.example", "company": 42}, {"company"}),
        (
            {"email": "bad", "score": "x", "company": 1},
            {"external_id", "email", "score", "company"},
        ),
    ],
)
def test_bad_fields_are_422_naming_each_field(bot, body, fields):
    before = counts(bot)
    response = bot.post_lead(body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["field"] for e in errors} == fields
    assert all(e["message"] for e in errors)
    assert counts(bot) == before


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b"", b"null"])
def test_malformed_json_is_422(bot, raw):
    before = counts(bot)
    response = bot.http.post(
        "/api/leads",
        content=raw,
        headers={"Authorization": "Bearer intake-test-token", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert counts(bot) == before


def test_unknown_fields_are_kept(bot):
    created = bot.post_lead(f.lead_body(utm_medium="email", lifecycle={"stage": "mql"})).json()
    with unit_of_work(bot.runtime.engine) as session:
        lead = session.get(Lead, created["id"])
        assert lead.extra == {"utm_medium": "email", "lifecycle": {"stage": "mql"}}


def test_handed_back_lead_comes_back_after_its_revisit_date(bot, clock):
    from datetime import date

    from bot.services import decisions

    body = f.lead_body()
    created = bot.post_lead(body).json()
    with unit_of_work(bot.runtime.engine) as session:
        handoff = session.exec(select(Handoff)).one()
    outcome = decisions.decide(
        handoff.id,
        created["owner"],
        decisions.HANDBACK,
        runtime=bot.runtime,
        now=clock(),
        reason_code="N-TIMING",
        revisit_on=date(2026, 12, 15),
    )
    assert outcome.result == decisions.RECORDED
    assert bot.post_lead(body).json()["status"] == "duplicate"  # before the revisit date
    clock.advance(days=30)
    revived = bot.post_lead(body)
    assert revived.status_code == 202 and revived.json()["status"] == "routed"
    assert revived.json()["id"] == created["id"]
    bot.deliver()
    with unit_of_work(bot.runtime.engine) as session:
        handoffs = session.exec(select(Handoff).order_by(Handoff.id)).all()
    assert len(handoffs) == 2 and handoffs[1].previous_id == handoffs[0].id
    new_card = [
        m
        for m in bot.slack.state.messages(f.CHANNEL)
        if (m.metadata or {}).get("event_payload", {}).get("handoff_id") == handoffs[1].id
    ]
    assert "Timing" in json.dumps(new_card[0].blocks)  # the card shows the earlier hand-off


def test_healthz(bot):
    assert bot.http.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_database_is_gone(bot, backend, tmp_path):
    from storage.db import make_engine

    gone = (
        f"sqlite:///{tmp_path / 'missing-dir' / 'handshake.db'}"  # a directory that isn't there
        if backend == "sqlite"
        else "postgresql://postgres@127.0.0.1:1/handshake"  # nothing listens on port 1
    )
    healthy = bot.runtime.engine
    bot.runtime.engine = make_engine(gone)
    try:
        assert bot.http.get("/healthz").status_code == 503
    finally:
        bot.runtime.engine = healthy
    assert bot.http.get("/healthz").status_code == 200
