"""storage.home: a rep's queue, a team today, marketing's campaigns, on both backends."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.home import (
    NO_CAMPAIGN,
    WRONG_OWNER,
    awaiting_touch_of,
    breached,
    campaign_counts,
    campaign_total,
    decisions_since,
    latest_decisions,
    pending_of,
    queue_counts,
    slowest_responders,
    team_counts,
    top_reasons,
)
from storage.models import ACCEPTED, FOLLOW_UP, HANDED_BACK, REASSIGNED, REJECTED
from storage.timers import add_timer
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

M, H = timedelta(minutes=1), timedelta(hours=1)
NAME = {p["slack_id"]: p["name"] for p in f.PEOPLE}


def test_a_reps_queue_most_urgent_first(engine, now):
    with unit_of_work(engine) as session:
        later = make_handoff(session, due_at=now + 2 * H).id
        sooner = make_handoff(session, due_at=now + H).id
        make_handoff(session, owner_id=f.BEN)
        touch = make_handoff(session, status=ACCEPTED, decided_at=now).id
        make_handoff(session, status=ACCEPTED, decided_at=now, first_touch="contacted")
        add_timer(FOLLOW_UP, touch, now + 48 * H, session=session, now=now)
    with unit_of_work(engine) as session:
        counts = queue_counts(f.ANA, session=session)
        pending = pending_of(f.ANA, session=session, limit=10)
        awaiting = awaiting_touch_of(f.ANA, session=session, limit=10)
    assert (counts.pending, counts.awaiting_touch) == (2, 1)
    assert [h.id for h, _ in pending] == [sooner, later]
    assert [r.handoff.id for r in awaiting] == [touch]  # its deadline: sla_clock.first_touch_due


def test_team_counts_and_breaches_scoped_to_teams(engine, now):
    with unit_of_work(engine) as session:
        old = make_handoff(session, due_at=now - 2 * H).id
        make_handoff(session, due_at=now + H)
        make_handoff(session, owner_id=f.EVE, due_at=now - H)  # emea
    with unit_of_work(engine) as session:
        teams = team_counts(None, now, session=session)
        enterprise = breached(["enterprise"], now, session=session, limit=10)
        everyone = breached(None, now, session=session, limit=10)
    assert [(t.team, t.pending, t.breached) for t in teams] == [
        ("emea", 1, 1),
        ("enterprise", 2, 1),
    ]
    assert [r.handoff.id for r in enterprise] == [old]
    assert [r.handoff.id for r in everyone] == [old, everyone[1].handoff.id]
    assert everyone[1].owner.slack_id == f.EVE


def test_decisions_since_count_wrong_owner_rejects_apart(engine, now):
    with unit_of_work(engine) as session:
        make_handoff(session, status=ACCEPTED, decided_at=now)
        make_handoff(session, status=REJECTED, decided_at=now)
        make_handoff(session, status=REJECTED, decided_at=now, routing_error=True)
        make_handoff(session, status=HANDED_BACK, decided_at=now - H)  # before
        make_handoff(session, status=ACCEPTED, decided_at=now, owner_id=f.EVE)
    with unit_of_work(engine) as session:
        found = decisions_since(["enterprise"], now, session=session)
    assert found == {ACCEPTED: 1, REJECTED: 1, WRONG_OWNER: 1}


def test_slowest_responders_by_median_time_to_decision(engine, now):
    with unit_of_work(engine) as session:
        for minutes in (10, 20, 90):  # median 20m
            make_handoff(session, status=ACCEPTED, decided_at=now + minutes * M)
        for minutes in (30, 50):  # median 40m: the mean of the two middle rows
            make_handoff(session, status=REJECTED, decided_at=now + minutes * M, owner_id=f.BEN)
    with unit_of_work(engine) as session:
        found = slowest_responders(None, now - H, session=session, limit=5)
    assert [(r.owner_id, r.median_seconds, r.decisions) for r in found] == [
        (f.BEN, 2400.0, 2),
        (f.ANA, 1200.0, 3),
    ]
    assert [r.name for r in found] == [NAME[f.BEN], NAME[f.ANA]]


def test_campaigns_busiest_first_with_their_top_reasons(engine, now):
    with unit_of_work(engine) as session:
        for _ in range(3):
            make_handoff(session, make_lead(session, campaign="Webinar"), status=ACCEPTED)
        make_handoff(
            session, make_lead(session, campaign="Webinar"),
            status=REJECTED, reason_label="Bad data",
        )  # fmt: skip
        make_handoff(session, make_lead(session, campaign="Webinar"), status=REASSIGNED)
        make_handoff(
            session, make_lead(session, campaign=None), status=HANDED_BACK, reason_label="Later"
        )
        make_handoff(
            session, make_lead(session, campaign="Old"), created_at=now - 24 * H
        )  # before `since`
    with unit_of_work(engine) as session:
        counts = campaign_counts(now, session=session, limit=10)
        total = campaign_total(now, session=session)
        reasons = top_reasons(now, ["Webinar", NO_CAMPAIGN], session=session, per_campaign=1)
    assert [(c.campaign, c.accepted, c.rejected, c.handed_back, c.total) for c in counts] == [
        ("Webinar", 3, 1, 0, 4),
        (NO_CAMPAIGN, 0, 0, 1, 1),
    ]
    assert total == 2
    assert [(r.campaign, r.label, r.count) for r in reasons] == [
        (NO_CAMPAIGN, "Later", 1),
        ("Webinar", "Bad data", 1),
    ]


def test_latest_decisions_newest_first_with_names(engine, now):
    with unit_of_work(engine) as session:
        old = make_handoff(session, status=ACCEPTED, decided_at=now, decided_by=f.ANA).id
        new = make_handoff(session, status=REJECTED, decided_at=now + H, decided_by=f.MAYA).id
        make_handoff(session)  # pending
    with unit_of_work(engine) as session:
        rows = latest_decisions(session=session, limit=10)
    assert [r.handoff.id for r in rows] == [new, old]
    assert (rows[0].owner_name, rows[0].decider_name) == (NAME[f.ANA], NAME[f.MAYA])
