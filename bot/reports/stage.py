"""The SDR → AE stage in the summary and the digest: the stage funnel (MQL → SDR-accepted →
meeting booked → accepted into pipeline, over the hand-offs created in the period), and
the meetings booked in the period: SDR → AE acceptance (accepted into pipeline of the
decided meetings) overall, by SDR and by AE, and the time from the meeting to the AE's
decision. None when no meeting was booked in the period in scope: a team whose first line
is AEs sees its summary as before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.common import FRACTIONS, Timing, rate
from storage import reports as q
from storage.models import MEETING_ACCEPTED, MEETING_PENDING, MEETING_REJECTED, MEETING_SENT_BACK


@dataclass(frozen=True)
class MeetingCounts:
    booked: int = 0
    accepted: int = 0  # into the AE's pipeline
    sent_back: int = 0
    rejected: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.sent_back + self.rejected

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepted, self.decided)

    def add(self, status: str, count: int) -> MeetingCounts:
        def plus(wanted: str) -> int:
            return count if status == wanted else 0

        return MeetingCounts(
            self.booked + count,
            self.accepted + plus(MEETING_ACCEPTED),
            self.sent_back + plus(MEETING_SENT_BACK),
            self.rejected + plus(MEETING_REJECTED),
            self.pending + plus(MEETING_PENDING),
        )


@dataclass(frozen=True)
class PersonMeetings:
    slack_id: str
    name: str
    counts: MeetingCounts


@dataclass(frozen=True)
class Stage:
    funnel: q.StageCounts  # distinct leads of the hand-offs created in the period
    meetings: MeetingCounts  # booked in the period
    by_sdr: tuple[PersonMeetings, ...]
    by_ae: tuple[PersonMeetings, ...]
    to_decision: Timing  # from the meeting's time to the AE's decision


def stage(window: q.Window, *, session: Session, config: HandshakeConfig) -> Stage | None:
    """The stage's figures in `window` (its `owners`: the scope), or None without meetings."""
    tallies = q.meeting_tallies(window, session=session)
    if not tallies:
        return None
    minutes = q.meeting_decision_minutes(window, session=session, fractions=FRACTIONS)
    return Stage(
        funnel=q.stage_counts(window, session=session),
        meetings=total(tallies),
        by_sdr=people_rows(tallies, config, by="sdr"),
        by_ae=people_rows(tallies, config, by="ae"),
        to_decision=Timing.of(minutes),
    )


def total(tallies: Iterable[q.MeetingTally]) -> MeetingCounts:
    counts = MeetingCounts()
    for t in tallies:
        counts = counts.add(t.status, t.count)
    return counts


def people_rows(
    tallies: Iterable[q.MeetingTally], config: HandshakeConfig, *, by: str
) -> tuple[PersonMeetings, ...]:
    """A row per SDR (`by="sdr"`) or AE (`by="ae"`), most meetings first, then by name."""
    found: dict[str, MeetingCounts] = {}
    for t in tallies:
        key = t.sdr_id if by == "sdr" else t.ae_id
        found[key] = found.get(key, MeetingCounts()).add(t.status, t.count)
    rows = []
    for slack_id, counts in found.items():
        person = config.person(slack_id)
        rows.append(PersonMeetings(slack_id, person.name if person else slack_id, counts))
    rows.sort(key=lambda r: (-r.counts.booked, r.name))
    return tuple(rows)
