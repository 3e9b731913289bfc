"""The dispute's clock counts the manager's working time, as every SLA duration does with
`business_hours`: a dispute opened late on a Friday leaves the manager working days before
the admins are told (wall-clock time held both to Monday 09:00)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.config import parse_config
from storage.db import unit_of_work
from storage.models import DISPUTE_ESCALATE, DISPUTE_REMIND, Timer
from tests import factories as f
from tests.e2e.test_dispute_flow import dispute, rejected_lead


@pytest.fixture
def config():
    return parse_config(
        f.config_data(
            timezone="UTC",
            business_hours=f.OFFICE_HOURS,
            sla={"dispute_within": "4h"},
        )
    )


def test_a_friday_afternoon_dispute_reminds_on_monday_and_escalates_later(bot, clock):
    clock.now = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # Fri 16:00, two working hours left
    routed, _, card = rejected_lead(bot)
    answer = dispute(bot, f.MIA, routed, card)
    assert answer.status_code == 200
    with unit_of_work(bot.runtime.engine) as session:
        timers = session.exec(select(Timer).where(Timer.dispute_id.is_not(None))).all()  # type: ignore[union-attr]
        due = {t.kind: t.due_at.replace(tzinfo=UTC) for t in timers}
    assert due[DISPUTE_REMIND] == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # Fri 2h + Mon 2h
    assert due[DISPUTE_ESCALATE] == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 8h in
