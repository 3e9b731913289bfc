"""The SDR → AE stage's blocks in `/handshake summary` (and its lines in the weekly digest):
the stage funnel, SDR → AE acceptance, the time from meeting to the AE's decision, and
tables by SDR and by AE."""

from __future__ import annotations

from collections.abc import Sequence

from bot.reports.stage import MeetingCounts, PersonMeetings, Stage
from bot.views import blocks as bk
from bot.views.reports.tables import count_pct, median_p90, pct, table
from storage.reports import StageCounts

FUNNEL_STAGES = ("MQL", "SDR-accepted", "Meeting booked", "Accepted into pipeline")


def funnel_line(funnel: StageCounts) -> str:
    """ "MQL *12* → SDR-accepted *10* (83%) → …": each stage's share of the one before."""
    values = (funnel.handed_off, funnel.sdr_accepted, funnel.booked, funnel.pipeline)
    parts = []
    previous: int | None = None
    for name, value in zip(FUNNEL_STAGES, values, strict=True):
        share = f" ({pct(value / previous)})" if previous else ""
        parts.append(f"{name} *{value}*{share}")
        previous = value
    return " → ".join(parts)


def acceptance_text(c: MeetingCounts) -> str:
    """ "4 of 9 decided (44%)"."""
    return f"{c.accepted} of {c.decided} decided ({pct(c.acceptance_rate)})"


def timing_text(stage: Stage) -> str:
    t = stage.to_decision
    return f"{median_p90(t)} ({t.count})" if t.count else "no decision yet"


def person_table(title: str, rows: Sequence[PersonMeetings]) -> str:
    body = [
        [
            r.name,
            r.counts.booked,
            r.counts.accepted,
            r.counts.sent_back,
            r.counts.rejected,
            r.counts.pending,
            pct(r.counts.acceptance_rate),
        ]
        for r in rows
    ]
    headers = [title, "Booked", "Acc", "Back", "Rej", "Pend", "Acc%"]
    return table(headers, body, [18, 6, 4, 4, 4, 4, 5])


def stage_blocks(stage: Stage, *, by_person: bool) -> list[bk.Block]:
    """The summary's stage blocks; the tables by SDR and by AE when `by_person`."""
    m = stage.meetings
    blocks = [
        bk.section("*SDR → AE stage* (leads of the hand-offs above)\n" + funnel_line(stage.funnel)),
        bk.section(
            fields=[
                f"*Meetings booked*\n{m.booked}",
                f"*SDR → AE acceptance*\n{acceptance_text(m)}",
                f"*Sent back to the SDR*\n{count_pct(m.sent_back, _share(m.sent_back, m))}",
                f"*Rejected by the AE*\n{count_pct(m.rejected, _share(m.rejected, m))}",
                f"*Awaiting the AE*\n{m.pending}",
                f"*Meeting to AE decision*\n{timing_text(stage)}",
            ]
        ),
    ]
    if by_person:
        blocks.append(bk.section("*Meetings by SDR*\n" + person_table("SDR", stage.by_sdr)))
        blocks.append(bk.section("*Meetings by AE*\n" + person_table("AE", stage.by_ae)))
    return blocks


def digest_text(stage: Stage) -> str:
    """The digest's stage lines: the funnel, acceptance and the time to decision."""
    m = stage.meetings
    return (
        "*SDR → AE stage*\n"
        + funnel_line(stage.funnel)
        + f"\n{m.booked} meetings booked · SDR → AE acceptance {acceptance_text(m)}"
        + f" · meeting to AE decision {timing_text(stage)}"
    )


def _share(part: int, m: MeetingCounts) -> float | None:
    return part / m.decided if m.decided else None
