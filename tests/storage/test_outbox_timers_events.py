"""storage.outbox, storage.timers and storage.events: the queues' claims and orders."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.events import events_for_lead, events_of_kind, log_event
from storage.models import (
    FOLLOW_UP,
    OUT_DONE,
    OUT_FAILED,
    OUT_PENDING,
    OUT_SENDING,
    REMIND,
    TIMER_CANCELLED,
    TIMER_FIRED,
)
from storage.outbox import (
    POST_CARD,
    claim,
    count_by_status,
    due_ids,
    enqueue,
    get_row,
    mark_done,
    mark_failed,
    next_attempt_at,
    reclaim_stale,
    reschedule,
    retry_failed,
    take_back,
    unfinished_post,
)
from storage.timers import add_timer, cancel_timers, claim_due, pending_timers, timers_for
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead

M = timedelta(minutes=1)


def test_outbox_rows_are_due_in_order_claimed_once_and_retried(engine, now):
    with unit_of_work(engine) as session:
        hid = make_handoff(session).id
        first = enqueue(POST_CARD, "owner", session=session, now=now, handoff_id=hid)
        later = enqueue(POST_CARD, "channel", session=session, now=now + 5 * M, handoff_id=hid)
        session.flush()
        ids = first.id, later.id
    with unit_of_work(engine) as session:
        assert due_ids(now, 10, session=session) == [ids[0]]
        assert due_ids(now + 5 * M, 10, session=session) == list(ids)
        assert next_attempt_at(session=session) == now
        assert unfinished_post(hid, "owner", session=session).id == ids[0]
        assert claim(ids[0], now, session=session)
        assert not claim(ids[0], now, session=session)
    with unit_of_work(engine) as session:
        row = get_row(ids[0], session=session)
        assert (row.status, row.attempts) == (OUT_SENDING, 1)
        assert reclaim_stale(now - M, now, session=session) == 0  # not stale yet
        assert reclaim_stale(now + M, now + M, session=session) == 1
    with unit_of_work(engine) as session:
        row = get_row(ids[0], session=session)
        assert (row.status, row.maybe_sent) == (OUT_PENDING, True)
        mark_failed(row, now, "channel_not_found", session=session)
        mark_done(get_row(ids[1], session=session), now, session=session)
    with unit_of_work(engine) as session:
        assert count_by_status(session=session) == {OUT_FAILED: 1, OUT_DONE: 1}
        assert unfinished_post(hid, "owner", session=session) is None
        assert retry_failed(session=session, now=now + M) == 1
    with unit_of_work(engine) as session:
        row = get_row(ids[0], session=session)
        assert (row.status, row.attempts, row.next_attempt_at) == (OUT_PENDING, 0, now + M)


def test_a_claim_names_its_holder_and_only_that_holders_rows_are_taken_back(engine, now):
    with unit_of_work(engine) as session:
        hid = make_handoff(session).id
        rows = [enqueue(POST_CARD, t, session=session, now=now, handoff_id=hid) for t in "abc"]
        session.flush()
        mine, other, retried = (r.id for r in rows)
    with unit_of_work(engine) as session:
        assert claim(mine, now, session=session, holder="h1")
        assert claim(other, now, session=session, holder="h2")
        assert claim(retried, now, session=session, holder="h1")
    with unit_of_work(engine) as session:
        assert get_row(mine, session=session).claimed_by == "h1"
        row = get_row(retried, session=session)
        reschedule(row, now, M, "HTTP 503", session=session, maybe_sent=False)
        assert row.claimed_by is None  # pending again: nobody's
    with unit_of_work(engine) as session:
        assert take_back("h1", now, session=session, lane="webhook") == 0  # another lane
        assert take_back("h1", now, session=session) == 1
        assert take_back("h1", now, session=session) == 0
    with unit_of_work(engine) as session:
        row = get_row(mine, session=session)
        assert (row.status, row.maybe_sent, row.claimed_by) == (OUT_PENDING, True, None)
        assert row.next_attempt_at == now
        assert get_row(other, session=session).status == OUT_SENDING  # h2's, in flight


def test_timers_are_claimed_when_due_oldest_first_and_cancelled_by_kind(engine, now):
    with unit_of_work(engine) as session:
        hid = make_handoff(session).id
        add_timer(REMIND, hid, now + 2 * M, session=session, now=now)
        add_timer(REMIND, hid, now + M, session=session, now=now, recipient=f.ANA)
        add_timer(FOLLOW_UP, hid, now + 10 * M, session=session, now=now)
    with unit_of_work(engine) as session:
        assert claim_due(now, 10, session=session) == []
        fired = claim_due(now + 5 * M, 1, session=session)
        assert [t.due_at for t in fired] == [now + M] and fired[0].status == TIMER_FIRED
    with unit_of_work(engine) as session:
        assert [t.due_at for t in pending_timers(hid, session=session)] == [
            now + 2 * M,
            now + 10 * M,
        ]
        assert cancel_timers(hid, session=session, now=now, kinds=[FOLLOW_UP], note="x") == 1
    with unit_of_work(engine) as session:
        statuses = [t.status for t in timers_for(hid, session=session)]
        assert statuses == ["pending", TIMER_FIRED, TIMER_CANCELLED]
        assert claim_due(now + 5 * M, 10, session=session)[0].due_at == now + 2 * M


def test_events_of_a_lead_and_of_a_kind_in_order(engine, now):
    with unit_of_work(engine) as session:
        lead = make_lead(session)
        other = make_lead(session)
        log_event("routed", session=session, at=now, actor="intake", lead_id=lead.id, rule="rr")
        log_event("accepted", session=session, at=now + M, actor=f.ANA, lead_id=lead.id)
        log_event("routed", session=session, at=now, actor="intake", lead_id=other.id)
    with unit_of_work(engine) as session:
        mine = events_for_lead(lead.id, session=session)
        routed = events_of_kind("routed", session=session)
    assert [e.kind for e in mine] == ["routed", "accepted"]
    assert mine[0].data == {"rule": "rr"}
    assert [e.lead_id for e in routed] == [lead.id, other.id]
