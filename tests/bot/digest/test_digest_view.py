"""The digest's Block Kit (pure: a Digest in, a message out) and its chart (PNG bytes)."""

from __future__ import annotations

import io
import json
import struct
from datetime import UTC, datetime

import pytest
from PIL import Image

from bot.digest.chart import CampaignBar, render_chart
from bot.digest.data import Digest, Funnel, SlowResponse, period_of
from bot.digest.view import IMAGE_BLOCK, build_digest_message, chart_title
from bot.reports.campaigns import CampaignRow
from bot.reports.common import Counts, ReasonCount, Timing
from bot.reports.contract import ContractReport, SignalRow, Verdicts
from bot.reports.scope import ALL, Scope
from sandbox.blockkit import check_message
from tests.bot.digest.test_digest_data import build_week, digest_for


@pytest.fixture
def week(runtime) -> Digest:
    build_week(runtime)
    return digest_for(runtime)


def dumped(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False) + message["text"]


# -- the message ------------------------------------------------------------------------------


def test_the_digest_message(week: Digest):
    message = build_digest_message(week, tz="America/New_York", file_id="F0CHART01")
    blocks = message["blocks"]
    assert check_message(message["text"], blocks) == []
    assert len(blocks) <= 50
    image = next(b for b in blocks if b["type"] == "image")
    assert image["slack_file"] == {"id": "F0CHART01"} and image["block_id"] == IMAGE_BLOCK
    assert "8 received" in image["alt_text"]
    text = dumped(message)
    assert "Mon 23 Nov 04:00 – Mon 30 Nov 2026 04:00 EST" in text  # 09:00 UTC in New York
    assert (
        "Received *8* → Qualified *7* (88%) → Accepted *3* (43%) → Contacted *2* (67%) "
        "→ Meeting *1* (50%)"
    ) in text
    assert "50% of 6 verdicts" in text
    assert "median 6h · p90" in text
    assert "Bad or unverifiable data: 1" in text and "Timing: the project is months out: 1" in text
    assert "*33h 20m* · Ana Alvarez rejected" in text  # the slowest: 2000 minutes
    assert "Visited pricing" in text and "67% of 3" in text and "33% of 3" in text
    assert "2 decided, 0% accepted" in text
    assert message["text"].startswith("Weekly hand-off digest, Mon 23 Nov")


def test_the_digest_period_is_shown_in_each_readers_zone(week: Digest):
    """The digest goes to a channel: Slack's date tokens, with the config's zone as fallback."""
    message = build_digest_message(week, tz="America/New_York", file_id="F0CHART01")
    context = message["blocks"][1]["elements"][0]["text"]
    start, end = (
        int(d.replace(tzinfo=UTC).timestamp()) for d in (week.period.start, week.period.end)
    )
    assert context.startswith(
        f"<!date^{start}^{{date_short_pretty}} at {{time}}|Mon 23 Nov 2026, 04:00 EST> – "
        f"<!date^{end}^{{date_short_pretty}} at {{time}}|Mon 30 Nov 2026, 04:00 EST>"
    )


def test_outside_text_is_escaped_and_nobody_is_pinged(week: Digest):
    text = dumped(build_digest_message(week, tz="UTC", file_id="F0CHART01"))
    for raw in ("<!channel>", "<@U0ADM0001>", "<b>"):
        assert raw not in text
    assert "&lt;@U0ADM0001&gt; (&lt;!channel&gt; &amp; Co)" in text  # the slowest lead
    assert "Q4 &lt;b&gt;Launch&lt;/b&gt;" in text  # the campaign, in its table
    assert "<@" not in text  # owners are named, not mentioned


def test_without_a_chart_the_digest_says_so(week: Digest):
    message = build_digest_message(week, tz="UTC", file_id=None)
    assert not any(b["type"] == "image" for b in message["blocks"])
    assert "chart could not be made" in dumped(message)
    assert check_message(message["text"], message["blocks"]) == []


def big_digest() -> Digest:
    """Far more than fits: 80 campaigns, long names and labels everywhere."""
    long = "<&>" * 400
    counts = Counts(handoffs=9, accepted=3, rejected=3, handed_back=3)
    reasons = tuple(ReasonCount("rejected", f"R{i}", long, 9) for i in range(5))
    period = period_of(datetime(2026, 11, 23, 9, tzinfo=UTC), datetime(2026, 11, 30, 9, tzinfo=UTC))
    scope = Scope("digest", ALL, frozenset())
    return Digest(
        period=period,
        funnel=Funnel(10**6, 10**5, 10**4, 10**3, 10**2),
        counts=counts,
        to_decision=Timing(9, 12.0, 9000.0),
        campaigns=tuple(CampaignRow(f"{i} {long}", 9, 1, counts) for i in range(80)),
        reject_reasons=reasons,
        handback_reasons=reasons,
        slowest=tuple(
            SlowResponse("U0AE00001", long, long, long, "rejected", 9999.0) for _ in range(5)
        ),
        contract=ContractReport(
            period,
            scope,
            long,
            60,
            tuple(SignalRow(f"{i}{long}", True, Verdicts(1, 2, 3), Verdicts()) for i in range(30)),
            Verdicts(1, 1, 1),
            reasons,
            reasons,
        ),
    )


def test_a_huge_week_still_fits_one_message():
    message = build_digest_message(big_digest(), tz="UTC", file_id="F0CHART01")
    assert check_message(message["text"], message["blocks"]) == []
    assert len(message["blocks"]) <= 50
    assert "… and 70 more campaigns" in dumped(message)
    assert "<&>" not in dumped(message)


# -- the chart --------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def bars(digest: Digest) -> list[CampaignBar]:
    return [
        CampaignBar(r.campaign or "(no campaign)", r.counts.accepted, r.counts.verdicts)
        for r in digest.campaigns
    ]


def test_the_chart_is_a_real_png_with_both_charts_drawn(week: Digest):
    png = render_chart(week.funnel.stages(), bars(week), title=chart_title(week, "UTC"))
    assert png.startswith(b"\x89PNG")
    assert png_size(png) == (1100, 420)
    assert len(png) > 15_000
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.load()
    colors = {color for _, color in image.getcolors(maxcolors=1_000_000) or []}
    assert (0x4A, 0x90, 0xD9) in colors  # the funnel's bars
    assert (0x2E, 0xB6, 0x7D) in colors  # the acceptance bars
    assert len(colors) > 50  # text, axes and bars, not a blank canvas


def test_an_empty_week_still_charts(runtime):
    empty = digest_for(runtime)
    png = render_chart(empty.funnel.stages(), bars(empty))
    assert png_size(png) == (1100, 420)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colors = {color for _, color in image.getcolors(maxcolors=1_000_000) or []}
    assert (0x2E, 0xB6, 0x7D) not in colors  # no acceptance bars, a note instead


def test_campaign_names_are_not_read_as_mathtext():
    # "$x$" would be typeset (or fail to parse) if matplotlib read it as a formula.
    png = render_chart([("Received", 1)], [CampaignBar("Cost $5 and $x^{2", 1, 1)])
    assert png.startswith(b"\x89PNG")


def test_a_tiny_sample_is_marked_not_drawn_as_a_full_bar():
    """ "100% of 1" must not look like a solid result: a pale hatched bar, and said so."""
    from bot.digest.chart import SMALL_COLOR, bar_label

    assert bar_label(CampaignBar("Tiny", 1, 1)) == "100% of 1 (small sample)"
    assert bar_label(CampaignBar("Big", 6, 12)) == "50% of 12"
    assert bar_label(CampaignBar("Two", 1, 2)) == "50% of 2 (small sample)"
    assert bar_label(CampaignBar("Three", 1, 3)) == "33% of 3"
    assert bar_label(CampaignBar("None", 0, 0)) == "no verdicts"
    png = render_chart([("Received", 1)], [CampaignBar("Tiny", 1, 1)])
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colors = {color for _, color in image.getcolors(maxcolors=1_000_000) or []}
    assert (0x2E, 0xB6, 0x7D) not in colors  # not the solid acceptance colour
    assert tuple(int(SMALL_COLOR[i : i + 2], 16) for i in (1, 3, 5)) in colors


def test_the_fallback_text_counts_in_words(runtime):
    """ "1 meetings": every count in the digest's texts agrees with its noun."""
    week = digest_for(runtime)
    one = Funnel(1, 1, 1, 1, 1)
    message = build_digest_message(
        Digest(**{**week.__dict__, "funnel": one}), tz="UTC", file_id="F0CHART01"
    )
    text = dumped(message)
    assert "1 meeting" in message["text"] and "1 meetings" not in text
    assert "1 lead received" in message["text"]
    assert "1 contacted, 1 meeting;" in text
