"""What sales learned about the buyer, counted per campaign: persona, decision role and
main objection of the hand-offs created in the window (each given or not)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.models import Handoff, Lead
from storage.reports.window import Window, in_window

INSIGHT_COLUMNS = ("persona", "decision_role", "objection")


@dataclass(frozen=True)
class InsightTally:
    campaign: str | None
    which: str  # persona | decision_role | objection
    code: str
    count: int


def insight_tallies(window: Window, *, session: Session) -> list[InsightTally]:
    """Per campaign and insight, how many hand-offs named each code (most named first)."""
    found: list[InsightTally] = []
    campaign = col(Lead.campaign)
    for which in INSIGHT_COLUMNS:
        value = col(getattr(Handoff, which))
        count = func.count()
        query = (
            select(campaign, value, count)
            .join(Lead, col(Lead.id) == col(Handoff.lead_id))
            .where(*in_window(window), value.is_not(None))
            .group_by(campaign, value)
            .order_by(count.desc(), value)
        )
        found += [InsightTally(c, which, code, n) for c, code, n in session.execute(query).all()]
    return found
