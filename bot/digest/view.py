"""Block Kit for the weekly digest: a pure builder, `Digest` in, `{"text", "blocks"}` out.

Names, leads, companies, campaigns and reason labels come from outside and go through
`safe()` (tables escape each cell after cutting it). At most 50 blocks, every section
within Slack's limits (the `bk` constructors trim).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.digest.data import RETURN_FROM, RETURN_TO, Digest, Funnel, SlowResponse
from bot.reports.contract import ContractReport
from bot.views import blocks as bk
from bot.views.reports.contract import score_only_section, signals_section
from bot.views.reports.criteria import criteria_table, most_failed_text
from bot.views.reports.disputes import tally_text, totals_line
from bot.views.reports.insights import insights_text
from bot.views.reports.stage import digest_text
from bot.views.reports.tables import (
    Message,
    campaign_name,
    local_time,
    median_p90,
    pct,
    reasons_text,
    table,
)
from bot.views.text import duration_text, escape, one_line, plural, reader_time, safe, trim

TITLE = "Weekly hand-off digest"
IMAGE_BLOCK = "digest_chart"
CAMPAIGN_ROWS = 10
OUTCOMES = {"accepted": "accepted", "rejected": "rejected", "handed_back": "handed back"}


def span(digest: Digest, tz: str) -> str:
    """ "Mon 16 Nov 09:00 – Mon 23 Nov 09:00 EST", in the config's time zone."""
    start, end = (local_time(d, tz) for d in (digest.period.start, digest.period.end))
    return (
        f"{start:%a} {start.day} {start:%b %H:%M} – {end:%a} {end.day} {end:%b %Y %H:%M} "
        f"{end.tzname()}"
    )


def reader_span(digest: Digest, tz: str) -> str:
    """The period in Slack's date tokens: each reader of the channel sees their own zone."""
    return " – ".join(reader_time(d, tz) for d in (digest.period.start, digest.period.end))


def chart_title(digest: Digest, tz: str) -> str:
    return f"Hand-offs, {span(digest, tz)}"


def build_digest_message(digest: Digest, *, tz: str, file_id: str | None) -> Message:
    """The digest post. `file_id`: the uploaded chart to show as an image block (None: the
    digest goes without it, and says so)."""
    f = digest.funnel
    blocks = [
        bk.header(TITLE),
        bk.context(f"{reader_span(digest, tz)} · leads and hand-offs created in this week"),
    ]
    if file_id:
        blocks.append(_image(file_id, digest, tz))
    else:
        blocks.append(bk.context("_The chart could not be made this time._"))
    blocks.append(bk.section("*Funnel*\n" + _funnel_line(f)))
    blocks.append(bk.section(fields=_outcome_fields(digest)))
    blocks.append(bk.section("*Acceptance by campaign*\n" + _campaigns(digest)))
    blocks.append(
        bk.section(
            fields=[
                reasons_text("Top reject reasons", digest.reject_reasons),
                reasons_text("Top hand-back reasons", digest.handback_reasons),
            ]
        )
    )
    if digest.nurture_return is not None:
        blocks.append(bk.context(_nurture_return(digest)))
    if digest.insights:
        blocks.append(
            bk.section("*What sales learned*\n" + insights_text(digest.insights, limit=5))
        )
    blocks.append(bk.section("*Slowest responses*\n" + _slowest(digest.slowest)))
    blocks.append(bk.divider())
    blocks.extend(_contract(digest.contract))
    blocks.extend(_stage(digest))
    blocks.extend(_disputes(digest))
    more = "`/handshake summary 7d`, `campaigns`, `contract`"
    if digest.stage is not None:
        more += ", `criteria`"
    if digest.disputes is not None:
        more += ", `disputes`"
    if digest.nurture_return is not None:
        more += ", `recycled`"
    blocks.append(bk.context(f"More: {more}."))
    text = (
        f"{TITLE}, {span(digest, tz)}: {plural(f.received, 'lead')} received, "
        f"{f.qualified} qualified, {f.accepted} accepted, {plural(f.meeting, 'meeting')}"
    )
    return {"text": trim(text, 3000), "blocks": blocks[: bk.MAX_BLOCKS]}


def _nurture_return(digest: Digest) -> str:
    n = digest.nurture_return
    assert n is not None
    return (
        f"*Nurture return rate*: {pct(n.rate)}, {n.came_back} of "
        f"{plural(n.handed_back, 'lead')} handed back {RETURN_TO}–{RETURN_FROM} days ago came "
        "back (`/handshake recycled`)"
    )


def _image(file_id: str, digest: Digest, tz: str) -> bk.Block:
    f = digest.funnel
    alt = (
        f"Funnel: {f.received} received, {f.qualified} qualified, {f.accepted} accepted, "
        f"{f.contacted} contacted, {plural(f.meeting, 'meeting')}"
        + (f", {f.pipeline} accepted into pipeline" if f.pipeline is not None else "")
        + "; acceptance by campaign"
    )
    return {
        "type": "image",
        "block_id": IMAGE_BLOCK,
        "slack_file": {"id": file_id},
        "alt_text": trim(alt, 2000),
        "title": bk.plain_text("Funnel and acceptance by campaign", 2000),
    }


def _funnel_line(f: Funnel) -> str:
    parts = []
    previous: int | None = None
    for name, value in f.stages():
        share = f" ({pct(value / previous)})" if previous else ""
        parts.append(f"{name} *{value}*{share}")
        previous = value
    return " → ".join(parts)


def _outcome_fields(digest: Digest) -> list[str]:
    c, t = digest.counts, digest.to_decision
    timing = median_p90(t) if t.count else "—"
    return [
        f"*Acceptance rate*\n{pct(c.acceptance_rate)} of {plural(c.verdicts, 'verdict')}",
        f"*Time to decision*\n{timing}",
        f"*Still pending*\n{c.pending}",
        f"*Breached SLA*\n{c.breached} of {c.handoffs}",
    ]


def _campaigns(digest: Digest) -> str:
    rows = [r for r in digest.campaigns if r.counts.handoffs or r.received]
    if not rows:
        return "No leads this week."
    body = [
        [
            campaign_name(r.campaign),
            r.received if r.received is not None else "—",
            r.counts.accepted,
            r.counts.rejected,
            r.counts.handed_back,
            pct(r.counts.acceptance_rate),
        ]
        for r in rows[:CAMPAIGN_ROWS]
    ]
    text = table(["Campaign", "Leads", "Acc", "Rej", "Back", "Acc%"], body, [22, 5, 4, 4, 4, 5])
    if len(rows) > CAMPAIGN_ROWS:
        text += f"\n… and {plural(len(rows) - CAMPAIGN_ROWS, 'more campaign')}"
    return text


def _slowest(rows: Sequence[SlowResponse]) -> str:
    if not rows:
        return "No decisions this week."
    lines = []
    for r in rows:
        lead = safe(one_line(r.lead), 120)
        company = f" ({safe(one_line(r.company), 100)})" if r.company else ""
        who = safe(one_line(r.owner_name), 100)  # a name, not a mention: nobody is pinged
        outcome = OUTCOMES.get(r.status, safe(r.status, 20))
        took = escape(duration_text(r.minutes))
        lines.append(f"• *{took}* · {who} {outcome} {lead}{company}")
    return "\n".join(lines)


def _stage(digest: Digest) -> list[bk.Block]:
    """The SDR → AE stage and the criteria, compact; nothing when no meeting was booked."""
    if digest.stage is None:
        return []
    blocks = [bk.divider(), bk.section(digest_text(digest.stage))]
    if digest.criteria is not None:
        report = digest.criteria
        blocks.append(
            bk.section(
                "*AE acceptance by the SDR's answer to each criterion*\n"
                + criteria_table(report)
                + "\n"
                + most_failed_text(report)
            )
        )
    return blocks


def _disputes(digest: Digest) -> list[bk.Block]:
    """Disputes raised in the week: counts by reason and by rep, with the overturn rate
    (names, not mentions: nobody is pinged). Nothing when none was raised."""
    report = digest.disputes
    if report is None:
        return []
    by_reason = tally_text("By reason", report.by_reason, name=lambda k: safe(one_line(k), 120))
    by_rep = tally_text(
        "By rep", report.by_rep, name=lambda k: safe(one_line(report.name_of(k)), 100)
    )
    return [
        bk.divider(),
        bk.section("*Disputes*\n" + totals_line(report.total)),
        bk.section(fields=[by_reason, by_rep]),
    ]


def _contract(report: ContractReport) -> list[bk.Block]:
    version = safe(one_line(report.version), 40)
    title = bk.section(f"*Contract {version}: does it predict what sales accepts?*")
    signals = signals_section(report)
    return [title, *([signals] if signals else []), score_only_section(report)]
