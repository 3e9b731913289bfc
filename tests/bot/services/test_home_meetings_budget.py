"""A rep's Home with full lists in both stages still fits Slack's 100 blocks, settings
included: each meeting shown leaves room for one hand-off fewer in each list."""

from __future__ import annotations

from bot import ids
from bot.services.home import PENDING_SHOWN, home_for
from bot.services.home_meetings import AE_SHOWN, SDR_SHOWN
from bot.views.home import MAX_HOME_BLOCKS, build_home
from storage.db import unit_of_work
from storage.models import ACCEPTED, MEETING_SENT_BACK
from tests import factories as f
from tests.storage.conftest import make_handoff, make_meeting


def full_queue(session, owner):
    for _ in range(PENDING_SHOWN + 5):
        make_handoff(session, owner_id=owner)
        make_handoff(session, owner_id=owner, status=ACCEPTED, decided_at=f.START)


def test_an_ae_and_an_sdr_with_everything_at_once_fit(runtime):
    with unit_of_work(runtime.engine) as session:
        full_queue(session, f.ANA)
        full_queue(session, f.SAM)
        for _ in range(AE_SHOWN + 4):
            make_meeting(session)
        for _ in range(SDR_SHOWN + 2):
            make_meeting(session, status=MEETING_SENT_BACK, failed_criterion="VALUE")
    for user, more in ((f.ANA, "…and 4 more"), (f.SAM, "…and 2 more")):
        data = home_for(user, runtime=runtime)
        view = build_home(data)
        shown = str(view["blocks"])
        assert len(view["blocks"]) <= MAX_HOME_BLOCKS, user
        assert "Home is full" not in shown
        assert ids.HOME_CAPACITY in shown and more in shown
        assert data.queue is not None and data.meetings is not None
        assert len(data.queue.pending) == PENDING_SHOWN - data.meetings.shown
