"""The hand-off channel's post when the qualification contract changed (issue 14 §4):
"Contract 2026-12: min_score 60 → 70; new signal *Requested a demo*"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain.contract_diff import change_phrases
from bot.views.text import escape, trim

SECTION_LIMIT = 3000  # Slack: a section's text


def contract_change_text(
    version: str, previous_version: str | None, changes: Sequence[Mapping[str, Any]]
) -> str:
    phrases = change_phrases([dict(c) for c in changes], mark=lambda s: f"*{escape(s)}*")
    head = f"Contract {escape(version)}"
    if previous_version == version:
        head += " (same version label)"
    body = (
        "; ".join(phrases) if phrases else f"replaces {escape(previous_version)}, no rule changed"
    )
    text = f"{head}: {body}"
    return trim(text, SECTION_LIMIT)


def contract_change_message(payload: Mapping[str, Any]) -> dict[str, Any]:
    text = contract_change_text(
        str(payload.get("version")), payload.get("previous_version"), payload.get("changes") or []
    )
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}
