"""`handshake demo` shows the SDR → AE stage with no setup: its SDRs take the feed's leads,
and the demo's colleagues book meetings and decide some of them through the sandbox's
signed requests, leaving a lead and a meeting for whoever tries the demo."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot import ids
from bot.demo import Demo
from bot.demo.answers import ACCEPT, PENDING, REJECT, SEND_BACK, booking, decision
from bot.demo.roster import demo_config
from sandbox.models import Message
from storage.meetings import meetings_for_lead
from storage.models import (
    MEETING_ACCEPTED,
    MEETING_PENDING,
    MEETING_REJECTED,
    MEETING_SENT_BACK,
    Meeting,
)
from tests.helpers import button_texts, rendered, wait_for

CODES = ["VALUE", "PROFIT", "COMPETE"]


def meetings(demo: Demo) -> dict[int, list[Meeting]]:
    """The meetings of each of the feed's routed leads (by lead id), oldest first."""
    assert demo.feed is not None and demo.engine is not None
    with Session(demo.engine) as session:
        return {
            int(answer["id"]): meetings_for_lead(int(answer["id"]), session=session)  # type: ignore[arg-type]
            for answer in list(demo.feed.posted)
            if answer.get("status") == "routed"
        }


def statuses(demo: Demo) -> list[str]:
    return sorted(m.status for found in meetings(demo).values() for m in found)


def meeting_card(demo: Demo, meeting: Meeting) -> Message | None:
    assert demo.sandbox is not None
    state = demo.sandbox.state
    return next(
        (
            m
            for m in state.messages(state.dm_channel_id(meeting.ae_id))
            if (m.metadata or {}).get("event_payload", {}).get("meeting_id") == meeting.id
        ),
        None,
    )


@pytest.fixture
def demo_of() -> Iterator:  # type: ignore[type-arg]
    started: list[Demo] = []

    def start(**options: object) -> Demo:
        demo = Demo(port=0, every=0, pause=0, **options)  # type: ignore[arg-type]
        started.append(demo)
        demo.start()
        return demo

    yield start
    for demo in started:
        demo.stop()


def test_the_demo_company_has_sdrs_first_and_the_three_questions():
    config = demo_config()
    assert config.routing.first_line == "sdr"
    for team in config.teams:
        roles = {p.role for p in config.people if p.team == team.name}
        assert {"sdr", "ae", "manager"} <= roles, team.name
    assert [c.code for c in config.qualification.criteria] == CODES


def test_colleagues_book_meetings_and_take_one_into_pipeline_leaving_one_for_you(demo_of):
    demo = demo_of(leads=5, seed=7)  # 4 routed: yours, accepted, pending, sent back

    wait_for(lambda: {MEETING_ACCEPTED, MEETING_PENDING} <= set(statuses(demo)), timeout=60)

    by_lead = meetings(demo)
    first = int(demo.feed.posted[0]["id"])  # type: ignore[union-attr]
    assert by_lead[first] == []  # the first lead is yours: still with its SDR, undecided
    owner = str(demo.feed.posted[0]["owner"])  # type: ignore[union-attr]
    assert demo_config().person(owner).role == "sdr"  # type: ignore[union-attr]
    booked = [m for found in by_lead.values() for m in found]
    config = demo_config()
    for meeting in booked:
        assert config.person(meeting.sdr_id).role == "sdr"  # type: ignore[union-attr]
        assert config.person(meeting.ae_id).role == "ae"  # type: ignore[union-attr]
        assert [a["code"] for a in meeting.answers] == CODES
        assert {a["answer"] for a in meeting.answers} <= {"yes", "unsure", "no"}
        assert meeting.criteria_version == "2026-11" and meeting.meeting_at is not None
    pending = next(m for m in booked if m.status == MEETING_PENDING)
    card = wait_for(lambda: meeting_card(demo, pending), timeout=30)
    assert button_texts(card)[:3] == ["Accept into pipeline", "Send back to SDR", "Reject"]
    assert "Meeting-qualified by" in rendered(card)


def test_colleagues_send_back_and_reject_through_the_forms(demo_of):
    demo = demo_of(leads=2, seed=7, fates=(SEND_BACK, REJECT))

    wait_for(lambda: statuses(demo) == [MEETING_REJECTED, MEETING_SENT_BACK], timeout=90)

    found = [m for ms in meetings(demo).values() for m in ms]
    sent_back = next(m for m in found if m.status == MEETING_SENT_BACK)
    weak = next(a for a in sent_back.answers if a["code"] == sent_back.failed_criterion)
    assert weak["answer"] in ("unsure", "no")  # the AE names the question the SDR doubted
    assert sent_back.decision_note and sent_back.decided_by == sent_back.ae_id
    rejected = next(m for m in found if m.status == MEETING_REJECTED)
    assert rejected.reason_code and rejected.reason_code != "R-OWNER"
    assert "no" in {a["answer"] for a in rejected.answers}
    card = wait_for(lambda: meeting_card(demo, sent_back), timeout=30)
    wait_for(lambda: "Send back" not in button_texts(meeting_card(demo, sent_back)), timeout=30)
    assert card.metadata["event_payload"]["card"] == "meeting"  # type: ignore[index]


@pytest.mark.parametrize("seed", range(20))
def test_the_sdrs_answers_fit_what_the_ae_will_do(seed: int):
    config, now = demo_config(), datetime(2026, 11, 23, 14, 7, 31, tzinfo=UTC)
    rng = random.Random(seed)
    for fate in (ACCEPT, PENDING, SEND_BACK, REJECT):
        answers, weak = booking(rng, config, fate, now)
        given = {code: answers[ids.MEETING_ANSWER_BLOCK + code] for code in CODES}
        assert set(given.values()) <= {"yes", "unsure", "no"} and weak in CODES
        if fate == ACCEPT:
            assert "no" not in given.values()
        elif fate in (SEND_BACK, REJECT):
            assert given[weak] in ("unsure", "no")
        if fate == REJECT:
            assert given[weak] == "no"
        met = answers[ids.MEETING_AT_BLOCK]
        assert timedelta(minutes=1) <= now - met <= timedelta(minutes=4)  # it just ended
    offered = [{"value": r.code} for r in config.reasons.reject]
    assert decision(rng, config, REJECT, "VALUE", offered)[ids.REASON_BLOCK] != "R-OWNER"
    sent = decision(rng, config, SEND_BACK, "PROFIT", offered)
    assert sent[ids.MEETING_CRITERION_BLOCK] == "PROFIT" and sent[ids.NOTE_BLOCK]
