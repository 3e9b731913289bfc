"""What sales learned about the buyer: the three optional menus of the Reject, Hand back and
Disqualify forms (persona, decision role, main objection), and reading them back."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.config.insights import WHICH, InsightsConfig
from bot.views import blocks as bk
from bot.views.reason_modal import reason_options, selected_code

LABELS = {"persona": "Persona", "decision_role": "Decision role", "objection": "Main objection"}
PLACEHOLDERS = {
    "persona": "Who they are",
    "decision_role": "Their part in the decision",
    "objection": "What held them back",
}


def insight_blocks(insights: InsightsConfig) -> list[bk.Block]:
    """One optional static_select per non-empty list (block ids.INSIGHT_BLOCK + name)."""
    found: list[bk.Block] = []
    for which in WHICH:
        options = reason_options(insights.choices(which))  # escaped, unique, ≤ 100
        if not options:
            continue
        element = {
            "type": "static_select",
            "action_id": ids.INSIGHT_INPUT,
            "placeholder": bk.plain_text(PLACEHOLDERS[which], bk.PLACEHOLDER),
            "options": options,
        }
        found.append(
            bk.input_block(ids.INSIGHT_BLOCK + which, LABELS[which], element, optional=True)
        )
    return found


def parse_insights(state_values: Any, insights: InsightsConfig) -> dict[str, str | None]:
    """`{persona, decision_role, objection}`: codes the config offers, else None."""
    return {
        which: insights.known(
            which, selected_code(state_values, ids.INSIGHT_BLOCK + which, ids.INSIGHT_INPUT)
        )
        for which in WHICH
    }
