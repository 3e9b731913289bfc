"""The weekly digest with the SDR → AE stage, on SQLite and PostgreSQL: the hand-built
meetings of tests/storage/meeting_data.py all fall in the week of 23 November (M0 long
before it), so its figures are those worked out there; a week without meetings shows no
stage at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.digest.chart import CampaignBar, render_chart
from bot.digest.data import build_digest, period_of
from bot.digest.view import build_digest_message
from bot.reports.criteria import Acceptance
from sandbox.blockkit import check_message
from storage.db import read_only, unit_of_work
from storage.reports import StageCounts
from tests.storage.meeting_data import build_meetings, meeting_config

WEEK_START = datetime(2026, 11, 23, 9, tzinfo=UTC)
WEEK_END = datetime(2026, 11, 30, 9, tzinfo=UTC)


@pytest.fixture
def config():
    return meeting_config()


def digest(engine, config, start: datetime):
    with read_only(engine) as session:
        return build_digest(
            session=session, config=config, period=period_of(start, start + timedelta(days=7))
        )


def dumped(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False) + message["text"]


def test_a_week_with_meetings_carries_the_stage_and_the_criteria(engine, config):
    with unit_of_work(engine) as session:
        build_meetings(session)
    week = digest(engine, config, WEEK_START)
    assert week.stage is not None and week.stage.funnel == StageCounts(12, 10, 9, 4)
    assert week.funnel.pipeline == 4 and week.funnel.stages()[-1] == ("Pipeline", 4)
    counts = [n for _, n in week.funnel.stages()]
    assert counts == sorted(counts, reverse=True), week.funnel  # each stage within the last
    assert dict(week.funnel.stages())["Meeting"] == 9  # as the stage has it, touched first or not
    assert week.criteria is not None
    rows = {r.code: r for r in week.criteria.rows}
    assert rows["PROFIT"].yes == Acceptance(4, 6) and rows["BUDGET"].retired
    assert week.criteria.most_failed is rows["PROFIT"]

    message = build_digest_message(week, tz="UTC", file_id="F0CHART01")
    assert check_message(message["text"], message["blocks"]) == []
    text = dumped(message)
    assert (
        "MQL *12* → SDR-accepted *10* (83%) → Meeting booked *9* (90%) → "
        "Accepted into pipeline *4* (44%)"
    ) in text
    assert "10 meetings booked · SDR → AE acceptance 4 of 9 decided (44%)" in text
    assert "meeting to AE decision median 4h · p90 8h 24m (9)" in text
    assert "PROFIT            4/6 67%     0/2 0%     0/1 0%     2" in text
    assert "Most common failed criterion on Send back: *PROFIT* (2 of 3 send-backs)" in text
    assert "4 accepted into pipeline" in text  # the chart's alt text
    assert "`criteria`" in text
    png = render_chart(week.funnel.stages(), [CampaignBar("Q4 webinar", 10, 11)])
    assert png.startswith(b"\x89PNG")


def test_a_week_without_meetings_shows_no_stage(engine, config):
    with unit_of_work(engine) as session:
        build_meetings(session)
    quiet = digest(engine, config, WEEK_END)  # the week after: nothing booked
    assert quiet.stage is None and quiet.criteria is None and quiet.funnel.pipeline is None
    assert [name for name, _ in quiet.funnel.stages()][-1] == "Meeting"
    text = dumped(build_digest_message(quiet, tz="UTC", file_id=None))
    assert "SDR → AE" not in text and "criterion" not in text and "`criteria`" not in text
