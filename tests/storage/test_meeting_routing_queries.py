"""The queries behind the AE suggestion and the meeting card's delivery: who holds a
company's domain, today's meetings per AE, an AE-restricted account owner, a post still
on its way."""

from __future__ import annotations

from datetime import timedelta

from storage import outbox
from storage.db import unit_of_work
from storage.leads import account_owner
from storage.meetings import (
    POST_MEETING_CARD,
    lock_handoff,
    meeting_ae_of_domain,
    meeting_counts_since,
    unfinished_outbox,
)
from storage.models import MEETING_REJECTED, OUT_DONE, Lead
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead, make_meeting


def test_the_ae_of_the_latest_open_meeting_of_the_same_domain(engine):
    with unit_of_work(engine) as session:
        older = make_meeting(session, ae_id=f.BEN)
        newer = make_meeting(session, ae_id=f.CARA, created_at=f.START + timedelta(hours=1))
        rejected = make_meeting(
            session, ae_id=f.ANA, status=MEETING_REJECTED, created_at=f.START + timedelta(hours=2)
        )
        for meeting in (older, newer, rejected):
            lead = session.get(Lead, meeting.lead_id)
            lead.company_domain = lead.account_domain = "acme.example"
            session.add(lead)
        other = make_lead(session, company_domain="acme.example")
        session.flush()
        assert meeting_ae_of_domain("acme.example", other.id, session=session) == (
            f.CARA,
            newer.created_at,
        )
        own = meeting_ae_of_domain("acme.example", newer.lead_id, session=session)
        assert own[0] == f.BEN  # the lead's own meeting left out
        assert meeting_ae_of_domain("globex.example", other.id, session=session) is None


def test_meetings_given_to_each_ae_since_a_time(engine):
    with unit_of_work(engine) as session:
        make_meeting(session, ae_id=f.ANA)
        make_meeting(session, ae_id=f.ANA, created_at=f.START + timedelta(hours=3))
        make_meeting(session, ae_id=f.BEN, created_at=f.START - timedelta(days=1))
        counts = meeting_counts_since(f.START, session=session, aes=[f.ANA, f.BEN])
        assert counts == {f.ANA: 2}
        assert meeting_counts_since(f.START, session=session, aes=[]) == {}


def test_the_account_owner_among_some_people_only(engine):
    with unit_of_work(engine) as session:
        sdr_lead = make_lead(session, company_domain="acme.example")
        make_handoff(session, make_lead(session, company_domain="acme.example"), owner_id=f.BEN)
        make_handoff(
            session,
            make_lead(session, company_domain="acme.example"),
            owner_id=f.SAM,
            created_at=f.START + timedelta(hours=1),
        )
        assert account_owner("acme.example", sdr_lead.id, session=session) == f.SAM
        aes = [f.ANA, f.BEN, f.CARA]
        assert account_owner("acme.example", sdr_lead.id, session=session, among=aes) == f.BEN


def test_a_meeting_card_post_still_on_its_way(engine):
    with unit_of_work(engine) as session:
        meeting = make_meeting(session)
        assert lock_handoff(meeting.handoff_id, session=session).id == meeting.handoff_id
        row = outbox.enqueue(
            POST_MEETING_CARD,
            "ae",
            session=session,
            now=f.START,
            handoff_id=meeting.handoff_id,
            payload={"meeting_id": meeting.id},
        )
        session.flush()
        assert unfinished_outbox(meeting.handoff_id, POST_MEETING_CARD, meeting.id, session=session)
        assert not unfinished_outbox(
            meeting.handoff_id, POST_MEETING_CARD, meeting.id + 1, session=session
        )
        row.status = OUT_DONE
        session.add(row)
        session.flush()
        assert not unfinished_outbox(
            meeting.handoff_id, POST_MEETING_CARD, meeting.id, session=session
        )
