"""What sales learned, per campaign, as one line each: "Q4 webinar: 60% Influencer (3 of 5),
top persona IT or engineering, top objection Price"."""

from __future__ import annotations

from collections.abc import Sequence

from bot.reports.insights import CampaignInsight
from bot.views.reports.tables import campaign_name, pct
from bot.views.text import one_line, safe

INSIGHT_ROWS = 10


def insight_line(row: CampaignInsight) -> str:
    parts = []
    if role := row.top.get("decision_role"):
        parts.append(
            f"{pct(role.rate)} {safe(one_line(role.label), 75)} ({role.count} of {role.of})"
        )
    if persona := row.top.get("persona"):
        parts.append(f"top persona {safe(one_line(persona.label), 75)} ({persona.count})")
    if objection := row.top.get("objection"):
        parts.append(f"top objection {safe(one_line(objection.label), 75)} ({objection.count})")
    return f"*{safe(campaign_name(row.campaign), 100)}*: " + ", ".join(parts)


def insights_text(rows: Sequence[CampaignInsight], *, limit: int = INSIGHT_ROWS) -> str:
    """The lines, at most `limit` of them, and how many more."""
    if not rows:
        return "Nothing recorded yet."
    lines = [insight_line(r) for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"… and {len(rows) - limit} more")
    return "\n".join(lines)
