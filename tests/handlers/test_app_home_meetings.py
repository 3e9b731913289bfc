"""App Home's part of the SDR → AE stage, through signed `app_home_opened` events: the SDR
sees the meetings awaiting an AE and those sent back, the AE the meetings to decide with the
three decisions, the manager the team's pending meetings, with who holds them and how late."""

from __future__ import annotations

from datetime import timedelta

from bot import ids
from storage.db import unit_of_work
from storage.models import MEETING_ACCEPTED, MEETING_SENT_BACK
from tests import factories as f
from tests.handlers.test_app_home import open_home, row, text
from tests.storage.conftest import make_meeting

H = timedelta(hours=1)


def meetings(bot, clock):
    """Sam booked three meetings with Ana: one overdue, one due later, one sent back (the
    PROFIT criterion, with a note); one accepted; one Sam booked with Eve (emea)."""
    now = clock()
    with unit_of_work(bot.runtime.engine) as session:
        late = make_meeting(session, due_at=now - 5 * H)
        make_meeting(session, due_at=now + 3 * H)
        make_meeting(session, status=MEETING_ACCEPTED, decided_by=f.ANA, decided_at=now)
        back = make_meeting(
            session,
            status=MEETING_SENT_BACK,
            decided_by=f.ANA,
            decided_at=now,
            failed_criterion="PROFIT",
            decision_note="No <budget> & no timeline",
        )
        make_meeting(session, ae_id=f.EVE, due_at=now + H)
        return late.id, back.id, back.handoff_id


def test_the_sdr_sees_meetings_awaiting_an_ae_and_those_sent_back(bot, clock):
    _late, back, handoff_id = meetings(bot, clock)
    home = open_home(bot, f.SAM)
    shown = text(home)
    assert "Meetings awaiting an AE's decision (3)" in shown
    assert "with Ana Alvarez" in shown and "with Eve Evans" in shown
    assert "AE: Overdue since Mon 23 Nov 2026, 09:00 UTC" in shown
    assert "Sent back to you: book again (1)" in shown
    assert "sent back by Ana Alvarez" in shown
    assert "Failed: *Can we deliver with profit?*" in shown
    assert "No &lt;budget&gt; &amp; no timeline" in shown
    assert row(home, f"{ids.HOME_REBOOK_BLOCK}{back}") == [(ids.TOUCH_MEETING, str(handoff_id))]
    assert ids.MEETING_ACCEPT not in shown  # the SDR does not decide
    assert ids.HOME_AWAY_DATE in shown  # the settings are still there


def test_the_ae_sees_meetings_to_decide_with_the_three_decisions(bot, clock):
    late, _back, _ = meetings(bot, clock)
    home = open_home(bot, f.ANA)
    shown = text(home)
    assert "Meetings to decide (2)" in shown
    assert "booked by Sam Diaz" in shown
    assert shown.index("Overdue since Mon 23 Nov 2026, 09:00 UTC") < shown.index(
        "Decide by Mon 23 Nov 2026, 17:00 UTC"
    )
    assert "Meeting Tue 24 Nov 2026, 14:00 UTC" in shown
    assert row(home, f"{ids.HOME_MEETING_BLOCK}{late}") == [
        (ids.MEETING_ACCEPT, str(late)),
        (ids.MEETING_SEND_BACK, str(late)),
        (ids.MEETING_REJECT, str(late)),
    ]
    assert "Sent back to you" not in shown
    assert "Meetings to decide" not in text(open_home(bot, f.BEN))  # none for Ben


def test_the_manager_sees_both_stages_for_the_team(bot, clock):
    meetings(bot, clock)
    maya = text(open_home(bot, f.MAYA))
    assert "Breached hand-offs" in maya  # the first stage, as before
    assert "Meetings awaiting an AE (3)* · 🔴 1 overdue" in maya
    assert "held by Ana Alvarez (AE) · booked by Sam Diaz" in maya
    assert "5h late (due Mon 23 Nov 2026, 09:00 UTC)" in maya
    assert "held by Eve Evans (AE)" in maya  # booked by Maya's SDR
    max_ = text(open_home(bot, f.MAX))
    assert "Meetings awaiting an AE (1)* · 🔴 0 overdue" in max_
    assert "Ana Alvarez" not in max_
