"""The weekly digest's numbers: the reports' own functions in everyone's scope, plus the
end of the funnel and the slowest decisions from `storage.digests`. When meetings were
booked in the week: the SDR → AE stage (the summary's) and the criteria report. When leads
were handed back in the lookback (30–120 days before the period's end): the nurture return
rate, the share of them that came back (a later hand-off of the same lead)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.campaigns import CampaignRow
from bot.reports.common import Counts, ReasonCount, Timing
from bot.reports.contract import ContractReport, contract
from bot.reports.criteria import CriteriaReport, criteria
from bot.reports.disputes import DisputeReport, disputes
from bot.reports.insights import CampaignInsight, campaign_insights
from bot.reports.periods import Period
from bot.reports.scope import ALL, Scope
from bot.reports.stage import Stage
from bot.reports.summary import summary
from storage import digests
from storage.reports import Window, return_counts

EVERYONE = Scope("digest", ALL, frozenset())  # an admin's view: every team, every lead
SLOWEST = 5
# The nurture return rate's lookback: leads handed back this many days before the period's
# end. Under 30 days a lead has hardly had time to come back; past 120 the figure is old news.
RETURN_FROM, RETURN_TO = 120, 30


@dataclass(frozen=True)
class NurtureReturn:
    """Leads handed back between `since` and `until`, and how many of them came back."""

    since: datetime
    until: datetime
    handed_back: int
    came_back: int

    @property
    def rate(self) -> float:
        return self.came_back / self.handed_back


@dataclass(frozen=True)
class Funnel:
    """The leads received in the period: how many, qualified (routed), then of those with
    an accepted hand-off, contacted (a first touch, or a meeting booked), with a meeting,
    and (with the SDR → AE stage) accepted into an AE's pipeline; each lead once, each
    stage within the one before (storage/digests.lead_funnel)."""

    received: int
    qualified: int
    accepted: int
    contacted: int
    meeting: int
    pipeline: int | None = None  # None: no meeting was booked for an AE in the period

    def stages(self) -> list[tuple[str, int]]:
        found = [
            ("Received", self.received),
            ("Qualified", self.qualified),
            ("Accepted", self.accepted),
            ("Contacted", self.contacted),
            ("Meeting", self.meeting),
        ]
        if self.pipeline is not None:
            found.append(("Pipeline", self.pipeline))
        return found


@dataclass(frozen=True)
class SlowResponse:
    owner_id: str
    owner_name: str
    lead: str  # the lead's name, else its email
    company: str | None
    status: str  # accepted | rejected | handed_back
    minutes: float


@dataclass(frozen=True)
class Digest:
    period: Period
    funnel: Funnel
    counts: Counts
    to_decision: Timing
    campaigns: tuple[CampaignRow, ...]
    reject_reasons: tuple[ReasonCount, ...]
    handback_reasons: tuple[ReasonCount, ...]
    slowest: tuple[SlowResponse, ...]
    contract: ContractReport
    stage: Stage | None = None  # the SDR → AE stage, when meetings were booked
    criteria: CriteriaReport | None = None  # likewise
    insights: tuple[CampaignInsight, ...] = ()  # what sales learned, per campaign
    disputes: DisputeReport | None = None  # when decisions were disputed in the week
    nurture_return: NurtureReturn | None = None  # None: nothing handed back in the lookback


def period_of(start: datetime, end: datetime) -> Period:
    return Period("7d", start, end)


def build_digest(*, session: Session, config: HandshakeConfig, period: Period) -> Digest:
    """Everything the digest shows for `period`, read as of its end."""
    now = period.end
    s = summary(session=session, config=config, scope=EVERYONE, now=now, period=period)
    window = Window(period.start, period.end)
    leads = digests.lead_funnel(window, session=session)
    slow = digests.slowest_decisions(window, session=session, limit=SLOWEST)
    return Digest(
        period=period,
        funnel=Funnel(  # received and qualified: always counted in everyone's scope
            s.received or 0,
            s.qualified or 0,
            leads.accepted,
            leads.contacted,
            leads.meeting,
            leads.pipeline if s.stage is not None else None,
        ),
        counts=s.counts,
        to_decision=s.to_decision,
        campaigns=s.campaigns,
        reject_reasons=s.reject_reasons,
        handback_reasons=s.handback_reasons,
        slowest=tuple(_slow(d, config) for d in slow),
        contract=contract(session=session, config=config, scope=EVERYONE, now=now, period=period),
        stage=s.stage,
        criteria=(
            criteria(session=session, config=config, scope=EVERYONE, now=now, period=period)
            if s.stage is not None
            else None
        ),
        insights=campaign_insights(window, session=session, config=config),
        disputes=_disputes(session=session, config=config, now=now, period=period),
        nurture_return=nurture_return(session=session, end=period.end),
    )


def _disputes(
    *, session: Session, config: HandshakeConfig, now: datetime, period: Period
) -> DisputeReport | None:
    report = disputes(session=session, config=config, scope=EVERYONE, now=now, period=period)
    return report if report.total.disputed else None


def nurture_return(*, session: Session, end: datetime) -> NurtureReturn | None:
    """The leads handed back 30–120 days before `end` that came back (None: none handed back)."""
    since, until = end - timedelta(days=RETURN_FROM), end - timedelta(days=RETURN_TO)
    handed_back, came_back = return_counts(since, until, session=session)
    return NurtureReturn(since, until, handed_back, came_back) if handed_back else None


def _slow(d: digests.SlowDecision, config: HandshakeConfig) -> SlowResponse:
    person = config.person(d.owner_id)
    name = " ".join(p for p in (d.first_name, d.last_name) if p) or d.email
    return SlowResponse(
        d.owner_id, person.name if person else d.owner_id, name, d.company, d.status, d.minutes
    )
