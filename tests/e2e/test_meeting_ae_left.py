"""An AE who leaves (deactivated in Slack, or off the roster) with a meeting waiting for
their decision: nobody reminds them; their manager is asked at once, with the meeting's
buttons, and may decide it; it happens once."""

from __future__ import annotations

import pytest

from bot import ids
from bot.scheduler import refresh_time_zones
from storage.db import unit_of_work
from storage.events import events_of_kind
from tests import factories as f
from tests.helpers import button_texts, dm_messages, rendered, wait_for
from tests.meetings import accepted_by_sam, book, meetings_of, sdr_config


@pytest.fixture
def config():
    return sdr_config()


def asked(bot, manager: str):
    return [m for m in dm_messages(bot.slack, manager) if "can no longer decide" in rendered(m)]


def test_a_departed_aes_meeting_goes_to_their_manager_to_decide(bot, clock):
    routed = accepted_by_sam(bot)
    meeting = book(bot, routed)
    assert meeting.ae_id == f.ANA
    manager = bot.runtime.config.manager_of(f.ANA)
    assert manager is not None
    bot.slack.state.set_deleted(f.ANA)
    refresh_time_zones(bot.worker)
    bot.tick()
    bot.tick()  # once: the second sweep finds nothing
    [dm] = asked(bot, manager)
    assert "deactivated in Slack" in rendered(dm)
    assert button_texts(dm) == ["Accept into pipeline", "Send back to SDR", "Reject"]
    with unit_of_work(bot.runtime.engine) as session:
        assert len(events_of_kind("meeting_ae_left", session=session)) == 1
    before = len(dm_messages(bot.slack, f.ANA))
    clock.advance(days=5)
    bot.tick()
    assert len(dm_messages(bot.slack, f.ANA)) == before  # nobody reminds the AE who left
    bot.peer.click(manager, ids.MEETING_ACCEPT, str(meeting.id),
                   message_channel=dm.channel, message_ts=dm.ts)  # fmt: skip
    wait_for(lambda: meetings_of(bot, routed.lead_id)[-1].status == "accepted")
    assert meetings_of(bot, routed.lead_id)[-1].decided_by == manager
