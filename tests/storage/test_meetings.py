"""Meeting queries: the AE's first decision wins, a hand-off's meetings in order."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.meetings import (
    claim_meeting_decision,
    get_meeting,
    meetings_for_handoff,
    meetings_for_lead,
    pending_meeting_for_handoff,
    set_meeting_card,
)
from storage.models import MEETING_ACCEPTED, MEETING_REJECTED, MEETING_SENT_BACK, Handoff
from tests import factories as f
from tests.storage.conftest import make_meeting


def test_the_first_decision_wins_and_a_second_is_refused(engine):
    with unit_of_work(engine) as session:
        meeting = make_meeting(session)
        first = claim_meeting_decision(
            meeting.id, session=session, status=MEETING_SENT_BACK, decided_by=f.ANA,
            decided_at=f.START, failed_criterion="PROFIT", decision_note="no budget yet",
        )  # fmt: skip
        second = claim_meeting_decision(
            meeting.id, session=session, status=MEETING_ACCEPTED, decided_by=f.BEN,
            decided_at=f.START + timedelta(minutes=1),
        )  # fmt: skip
        session.expire_all()
        stored = get_meeting(meeting.id, session=session)
    assert (first, second) == (True, False)
    assert stored is not None
    assert (stored.status, stored.decided_by, stored.failed_criterion) == (
        MEETING_SENT_BACK, f.ANA, "PROFIT",
    )  # fmt: skip
    assert stored.decision_note == "no budget yet"


def test_a_hand_off_keeps_each_meeting_and_only_the_pending_one_is_pending(engine):
    with unit_of_work(engine) as session:
        first = make_meeting(session)
        handoff_id, lead_id = first.handoff_id, first.lead_id
        claim_meeting_decision(
            first.id, session=session, status=MEETING_REJECTED, decided_by=f.ANA,
            decided_at=f.START, reason_code="R-ICP", reason_label="Not our profile",
        )  # fmt: skip
        assert pending_meeting_for_handoff(handoff_id, session=session) is None
        handoff = session.get(Handoff, handoff_id)  # the same hand-off, booked again
        second = make_meeting(session, handoff, ae_id=f.BEN)
        set_meeting_card(second.id, "D0ANA", "1700000000.000100", session=session)
        session.expire_all()
        ids = [m.id for m in meetings_for_handoff(handoff_id, session=session)]
        by_lead = [m.id for m in meetings_for_lead(lead_id, session=session)]
        pending = pending_meeting_for_handoff(handoff_id, session=session)
    assert ids == by_lead == [first.id, second.id]
    assert pending is not None and pending.id == second.id
    assert (pending.ae_channel, pending.ae_ts) == ("D0ANA", "1700000000.000100")
