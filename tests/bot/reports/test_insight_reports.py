"""What sales learned, rolled up per campaign, against a hand-built set of hand-offs (both
backends): `/handshake campaigns` and the digest say "60% Influencer, top objection Price".

    Q4 webinar  5 hand-offs: roles influencer ×3, decision-maker ×1, gatekeeper ×1 (3 of 5)
                personas it ×2, finance ×1; objections price ×2, timing ×1
    Ebook       2 hand-offs: role user ×1 (1 of 1), objection timing ×1; one with nothing
    Old         1 hand-off before the window: influencer, not counted
"""

from __future__ import annotations

from datetime import timedelta

from bot.digest.data import build_digest
from bot.digest.view import build_digest_message
from bot.reports.campaigns import campaigns
from bot.reports.periods import Period
from bot.reports.scope import scope_for
from bot.views.reports.campaigns import build_campaigns
from storage.db import unit_of_work
from storage.models import HANDED_BACK, REJECTED
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

PERIOD = Period("7d", f.START - timedelta(days=1), f.START + timedelta(days=6))
WEBINAR = [
    ("influencer", "it", "price"),
    ("influencer", "it", "price"),
    ("influencer", "finance", "timing"),
    ("decision-maker", None, None),
    ("gatekeeper", None, None),
]


def build(engine) -> None:
    with unit_of_work(engine) as session:
        for role, persona, objection in WEBINAR:
            make_handoff(
                session,
                status=REJECTED,
                decision_role=role,
                persona=persona,
                objection=objection,
            )
        ebook = make_lead(session, campaign="Ebook")
        make_handoff(session, ebook, status=HANDED_BACK, decision_role="user", objection="timing")
        make_handoff(session, make_lead(session, campaign="Ebook"), status=HANDED_BACK)
        old = make_lead(session, campaign="Q4 webinar", created_at=f.START - timedelta(days=9))
        make_handoff(
            session, old, status=REJECTED, decision_role="influencer", created_at=old.created_at
        )


def test_campaigns_roll_up_what_sales_learned(engine, config):
    build(engine)
    scope = scope_for(config, f.ADA)
    with unit_of_work(engine) as session:
        report = campaigns(
            session=session, config=config, scope=scope, now=PERIOD.end, period=PERIOD
        )
    webinar, ebook = report.insights
    assert webinar.campaign == "Q4 webinar" and ebook.campaign == "Ebook"
    role = webinar.top["decision_role"]
    assert (role.code, role.label, role.count, role.of) == ("influencer", "Influencer", 3, 5)
    assert (webinar.top["persona"].code, webinar.top["persona"].count) == ("it", 2)
    assert (webinar.top["persona"].of, webinar.top["objection"].count) == (3, 2)
    assert webinar.top["objection"].label == "Price"
    assert (ebook.top["decision_role"].code, ebook.top["decision_role"].of) == ("user", 1)
    assert "persona" not in ebook.top
    text = str(build_campaigns(report, tz="UTC")["blocks"])
    assert "*Q4 webinar*: 60% Influencer (3 of 5)" in text
    assert "top persona IT or engineering (2), top objection Price (2)" in text
    assert "*Ebook*: 100% User (1 of 1), top objection Timing (1)" in text


def test_the_digest_carries_the_roll_up(engine, config):
    build(engine)
    with unit_of_work(engine) as session:
        digest = build_digest(session=session, config=config, period=PERIOD)
    assert [r.campaign for r in digest.insights] == ["Q4 webinar", "Ebook"]
    blocks = build_digest_message(digest, tz="UTC", file_id=None)["blocks"]
    learned = [b for b in blocks if "What sales learned" in str(b.get("text", ""))]
    assert len(learned) == 1
    assert "60% Influencer (3 of 5)" in learned[0]["text"]["text"]
