"""The DM to an owner who went away, and to their manager, when a pending lead that would
have breached during the absence moved to someone else at once. Drawn from the payload
queued by `bot.services.away`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.views import blocks as bk
from bot.views.text import one_line, safe, trim

_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def _who(value: object, default: str) -> str:
    text = str(value or "")
    return f"<@{text}>" if _USER.fullmatch(text) else default


def _until(value: object) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return f" until <!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{value}>"


def build_away_reassigned_dm(payload: dict[str, Any], handoff_id: int) -> dict[str, Any]:
    lead = safe(one_line(str(payload.get("lead") or "A lead")), 300)
    owner, new_owner = _who(payload.get("owner"), "its owner"), _who(payload.get("new_owner"), "")
    until = _until(payload.get("until")) if payload.get("until") else ""
    to = f" to {new_owner}" if new_owner else ""
    if payload.get("to") == "manager":
        text = (
            f"🌴 {owner} is away{until}: *{lead}* would have waited past its deadline, "
            f"so it went{to} at once."
        )
    else:
        text = (
            f"🌴 You are away{until}: *{lead}* would have waited past its deadline, "
            f"so it went{to} at once. Nothing to do."
        )
    return {
        "text": trim(text, 3000),
        "blocks": [bk.section(text), bk.context(f"hand-off #{int(handoff_id)}")],
    }
