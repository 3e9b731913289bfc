"""With business hours, the revisit question waits for the owner's working morning on its
date, as every reminder does; it was sent at midnight UTC (the evening before, in New York)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import parse_config
from tests import factories as f
from tests.e2e.test_recycle import REVISIT_ON, handed_back, revisit_dms


@pytest.fixture
def config():
    return parse_config(
        f.config_data(
            timezone="America/New_York",
            business_hours=f.OFFICE_HOURS,
        )
    )


def test_the_revisit_question_waits_for_the_owners_working_morning(bot, clock, runtime):
    monday = REVISIT_ON + timedelta(days=1)  # START + 90 days is a Sunday
    assert monday.weekday() == 0
    handoff = handed_back(bot, runtime, revisit_on=monday)
    midnight = datetime.combine(monday, datetime.min.time(), tzinfo=UTC)
    clock.now = midnight + timedelta(minutes=1)  # Sunday 19:01 in New York
    bot.tick()
    assert revisit_dms(bot, handoff.owner_id) == []
    clock.now = midnight + timedelta(hours=14, minutes=1)  # Monday 09:01 in New York
    bot.tick()
    assert len(revisit_dms(bot, handoff.owner_id)) == 1
