"""Recycled leads: the revisit DM to the previous owner ("Jordan Lee (Acme) was handed back
90 days ago: *timing*. Revisit now?") with Re-engage and a Keep-nurturing date picker, and
the same as a note under the channel card."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.views import blocks as bk
from bot.views.text import one_line, safe, trim


def revisit_text(payload: dict[str, Any]) -> str:
    """ "Jordan Lee (Acme) was handed back 90 days ago: *timing*." (outside text escaped)"""
    lead = safe(one_line(str(payload.get("lead") or "This lead")), 300)
    days = payload.get("days")
    ago = "a while ago"
    if isinstance(days, int) and not isinstance(days, bool):
        ago = "1 day ago" if days == 1 else f"{days} days ago"
    reason = one_line(str(payload.get("reason") or ""))
    said = f": *{safe(reason, 200)}*" if reason else ""
    return f"{lead} was handed back {ago}{said}."


def build_revisit_dm(payload: dict[str, Any], handoff_id: int) -> dict[str, Any]:
    text = revisit_text(payload) + " Revisit now?"
    picker = {
        "type": "datepicker",
        "action_id": ids.REVISIT_KEEP,
        "placeholder": bk.plain_text("Keep nurturing until…", bk.PLACEHOLDER),
    }
    return {
        "text": trim(text, 3000),
        "blocks": [
            bk.section(f"♻️ {text}"),
            bk.actions(
                [
                    bk.button(
                        "Re-engage", ids.REVISIT_REENGAGE, value=str(handoff_id), style="primary"
                    ),
                    picker,
                ],
                block_id=f"{ids.REVISIT_KEEP}:{handoff_id}",
            ),
            bk.context("Re-engage: a new hand-off to you (or the next rep while you are away)."),
        ],
    }


def build_revisit_thread(payload: dict[str, Any], owner_name: str) -> dict[str, Any]:
    text = f"♻️ {revisit_text(payload)} {safe(one_line(owner_name), 200)} was asked to revisit it."
    return {"text": trim(text, 3000), "blocks": [bk.section(text)]}
