"""What sales learned about the buyer, rolled up per campaign (`/handshake campaigns` and
the digest): for persona, decision role and objection, the share each code has among the
hand-offs where it was given."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.config.insights import WHICH
from storage.reports.insights import insight_tallies
from storage.reports.window import Window


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    of: int  # hand-offs of the campaign where this insight was given

    @property
    def rate(self) -> float:
        return self.count / self.of if self.of else 0.0


@dataclass(frozen=True)
class CampaignInsight:
    campaign: str | None
    top: dict[str, Share]  # persona / decision_role / objection → the most named (if any)


def campaign_insights(
    window: Window, *, session: Session, config: HandshakeConfig
) -> tuple[CampaignInsight, ...]:
    """A row per campaign with any insight, most answered first."""
    by_campaign: dict[str | None, dict[str, list[tuple[str, int]]]] = {}
    for t in insight_tallies(window, session=session):
        by_campaign.setdefault(t.campaign, {}).setdefault(t.which, []).append((t.code, t.count))
    rows = []
    for campaign, kinds in by_campaign.items():
        top = {}
        for which in WHICH:
            counts = kinds.get(which) or []
            if counts:  # the query sorts most named first, ties by code
                code, count = counts[0]
                label = config.insights.label(which, code) or code
                top[which] = Share(code, label, count, sum(n for _, n in counts))
        rows.append(CampaignInsight(campaign, top))
    rows.sort(key=lambda r: (-max(s.of for s in r.top.values()), r.campaign or "\uffff"))
    return tuple(rows)
