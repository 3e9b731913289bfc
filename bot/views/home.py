"""The App Home tab."""

from __future__ import annotations

from typing import Any

from bot.services.home import HomeData
from bot.views.text import format_when, plain, safe


def build_home(data: HomeData) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(f"Hi {data.name}", 150)}},
    ]
    if not data.on_roster:
        blocks.append(_section("You are not on the Handshake roster yet: ask your admin."))
        return {"type": "home", "blocks": blocks}
    away = f"away until {data.away_until.isoformat()}" if data.away_until else "available"
    cap = f"{data.capacity_per_day} a day" if data.capacity_per_day else "no cap"
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": (
                        f"Routing: {away} · capacity: {cap} · change with `/handshake away` and "
                        "`/handshake capacity`"
                    ),
                }
            ],
        }
    )
    blocks.append({"type": "divider"})
    if not data.queue:
        blocks.append(_section("*Your queue is empty.* New leads arrive as DMs from me."))
    else:
        blocks.append(_section(f"*Waiting for your decision ({len(data.queue)})*"))
        for item in data.queue[:40]:
            flag = "🔴 overdue since" if item.overdue else "⏳ decide by"
            blocks.append(
                _section(
                    f"*{safe(item.lead_label, 500)}*\n{flag} {format_when(item.due_at, data.tz)}"
                )
            )
    return {"type": "home", "blocks": blocks[:100]}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
