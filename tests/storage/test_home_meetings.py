"""storage.home_meetings: App Home's part of the SDR → AE stage, on both backends."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.home_meetings import (
    awaiting_ae,
    sdr_counts,
    sent_back_to,
    team_meeting_counts,
    team_pending_meetings,
    to_decide,
    to_decide_count,
)
from storage.models import MEETING_ACCEPTED, MEETING_REJECTED, MEETING_SENT_BACK, Handoff
from tests import factories as f
from tests.storage.conftest import make_handoff, make_meeting

H = timedelta(hours=1)


def test_an_sdr_sees_meetings_awaiting_an_ae_and_those_sent_back_until_rebooked(engine, now):
    with unit_of_work(engine) as session:
        later = make_meeting(session, due_at=now + 5 * H).id
        sooner = make_meeting(session, ae_id=f.BEN, due_at=now + H).id
        make_meeting(session, status=MEETING_ACCEPTED, decided_at=now)
        make_meeting(session, status=MEETING_REJECTED, decided_at=now)
        older_back = make_meeting(session, status=MEETING_SENT_BACK, decided_at=now - H).id
        newer_back = make_meeting(session, status=MEETING_SENT_BACK, decided_at=now).id
        rebooked = make_meeting(session, status=MEETING_SENT_BACK, decided_at=now + H)
        again = make_meeting(session, session.get(Handoff, rebooked.handoff_id)).id
    with unit_of_work(engine) as session:
        counts = sdr_counts(f.SAM, session=session)
        waiting = awaiting_ae(f.SAM, session=session, limit=10)
        first = awaiting_ae(f.SAM, session=session, limit=1)
        returned = sent_back_to(f.SAM, session=session, limit=10)
        nobody = sdr_counts(f.ANA, session=session)
    assert [r.meeting.id for r in waiting] == [sooner, later, again]  # again: due START+2d
    assert (waiting[0].ae_name, waiting[0].sdr_name) == ("Ben Brooks", "Sam Diaz")
    assert waiting[0].lead.company == "Acme"
    assert [r.meeting.id for r in first] == [sooner]
    assert [r.meeting.id for r in returned] == [newer_back, older_back]  # latest first
    assert (counts.awaiting, counts.sent_back) == (3, 2)
    assert (nobody.awaiting, nobody.sent_back) == (0, 0)


def test_an_ae_sees_the_meetings_to_decide_soonest_due_first(engine, now):
    with unit_of_work(engine) as session:
        later = make_meeting(session, due_at=now + 3 * H).id
        overdue = make_meeting(session, due_at=now - H).id
        make_meeting(session, ae_id=f.BEN)
        make_meeting(session, status=MEETING_ACCEPTED, decided_at=now)
    with unit_of_work(engine) as session:
        total = to_decide_count(f.ANA, session=session)
        rows = to_decide(f.ANA, session=session, limit=10)
        page = to_decide(f.ANA, session=session, limit=1)
    assert total == 2
    assert [r.meeting.id for r in rows] == [overdue, later]
    assert rows[0].sdr_name == "Sam Diaz" and rows[0].lead.first_name == "Jordan"
    assert [r.meeting.id for r in page] == [overdue]


def test_a_team_s_pending_meetings_by_the_ae_s_or_the_sdr_s_team(engine, now):
    with unit_of_work(engine) as session:
        late = make_meeting(session, due_at=now - 2 * H).id  # Sam (enterprise) → Ana
        make_meeting(session, due_at=now + H)
        make_meeting(session, status=MEETING_ACCEPTED, decided_at=now, due_at=now - H)
        # Eve (emea) takes a meeting booked by an emea hand-off's owner, Eve herself.
        emea_handoff = make_handoff(session, owner_id=f.EVE, team="emea", status="accepted")
        emea = make_meeting(session, emea_handoff, ae_id=f.EVE, due_at=now - H).id
        # An enterprise SDR books with an emea AE: both managers see it.
        mixed = make_meeting(session, ae_id=f.EVE, due_at=now + 2 * H).id
    with unit_of_work(engine) as session:
        enterprise = team_meeting_counts(["enterprise"], now, session=session)
        emea_counts = team_meeting_counts(["emea"], now, session=session)
        everyone = team_meeting_counts(None, now, session=session)
        emea_rows = team_pending_meetings(["emea"], session=session, limit=10)
        all_rows = team_pending_meetings(None, session=session, limit=2)
    assert (enterprise.pending, enterprise.overdue) == (3, 1)
    assert (emea_counts.pending, emea_counts.overdue) == (2, 1)
    assert (everyone.pending, everyone.overdue) == (4, 2)
    assert [r.meeting.id for r in emea_rows] == [emea, mixed]
    assert emea_rows[1].ae_name == "Eve Evans" and emea_rows[1].sdr_name == "Sam Diaz"
    assert [r.meeting.id for r in all_rows] == [late, emea]  # the longest overdue first
