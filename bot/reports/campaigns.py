"""`/handshake campaigns`: per campaign, what sales made of its leads, and why.

Counts are hand-offs; `counts.routed` is leads (hand-offs less those passed on to another
owner). Received and nurtured
leads are shown in everyone's view only (admins and marketers): until it is routed, a lead
belongs to no rep or team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.reports.common import Counts, ReasonCount, reason_counts
from bot.reports.insights import CampaignInsight, campaign_insights
from bot.reports.periods import Period
from bot.reports.scope import ALL, Scope
from storage import reports as q
from storage.models import HANDED_BACK, REJECTED

REASONS_PER_CAMPAIGN = 3


@dataclass(frozen=True)
class CampaignRow:
    campaign: str | None  # None: leads that came with no campaign
    received: int | None  # None outside everyone's view
    nurtured: int | None
    counts: Counts  # what sales did with the campaign's hand-offs
    reject_reasons: tuple[ReasonCount, ...] = ()
    handback_reasons: tuple[ReasonCount, ...] = ()
    wrong_owner_reasons: tuple[ReasonCount, ...] = ()  # routing errors: not "rejected"


@dataclass(frozen=True)
class CampaignReport:
    period: Period
    scope: Scope
    rows: tuple[CampaignRow, ...]
    insights: tuple[CampaignInsight, ...] = ()  # what sales learned, per campaign


def campaigns(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, period: Period
) -> CampaignReport:
    window = q.Window(period.start, period.end, scope.owner_filter)
    rows = campaign_rows(
        window, session=session, config=config, scope=scope, now=now, with_reasons=True
    )
    found = campaign_insights(window, session=session, config=config)
    return CampaignReport(period, scope, rows, found)


def campaign_rows(
    window: q.Window,
    *,
    session: Session,
    config: HandshakeConfig,
    scope: Scope,
    now: datetime,
    with_reasons: bool = False,
    received: list[q.LeadTally] | None = None,
) -> tuple[CampaignRow, ...]:
    """A row per campaign; `received`: the leads_received tallies, when already fetched."""
    outcomes = {o.key: o for o in q.outcomes(window, session=session, now=now, by="campaign")}
    leads = {}
    if scope.kind == ALL:
        tallies = received if received is not None else q.leads_received(window, session=session)
        leads = {t.campaign: t for t in tallies}
    tallies = q.reasons(window, session=session, by_campaign=True) if with_reasons else []
    rows = []
    for campaign in set(outcomes) | set(leads):
        received = leads.get(campaign)
        mine = [t for t in tallies if t.campaign == campaign]
        rows.append(
            CampaignRow(
                campaign,
                received.received if received else (0 if scope.kind == ALL else None),
                received.nurtured if received else (0 if scope.kind == ALL else None),
                Counts.of(outcomes.get(campaign)),
                reason_counts(mine, REJECTED, config, REASONS_PER_CAMPAIGN),
                reason_counts(mine, HANDED_BACK, config, REASONS_PER_CAMPAIGN),
                reason_counts(mine, REJECTED, config, REASONS_PER_CAMPAIGN, wrong_owner=True),
            )
        )
    rows.sort(key=lambda r: (-(r.received or 0), -r.counts.routed, r.campaign or "\uffff"))
    return tuple(rows)
