"""Dials on App Home: a rep's weight of the day with its parts, a weight menu and the dial's
last day; a manager's (or admin's) list of their reps' weights. Pure."""

from __future__ import annotations

from datetime import date

from bot import ids
from bot.domain.dials import WeightParts
from bot.services.dials import TeamWeight
from bot.views import blocks as bk
from bot.views.dials import number, weight_line, why
from bot.views.text import one_line, safe

MENU_MAX = 99  # Slack's static_select takes 100 options; one is "Roster weight"
LINES_PER_SECTION = 10  # a section holds 3000 characters
TEAM_SHOWN = 40
NAME = 120


def weight_choices(low: float, high: float, current: float | None) -> list[float]:
    """Half steps from `low` to `high` (whole or coarser steps for a wide range), and the
    dial in force when it falls between them."""
    step = 0.5
    while (high - low) / step + 1 > MENU_MAX:
        step *= 2
    choices, value = [], low
    while value <= high + 1e-9 and len(choices) < MENU_MAX:
        choices.append(round(value, 2))
        value += step
    if current is not None and current not in choices and len(choices) < MENU_MAX:
        choices = sorted([*choices, current])
    return choices


def own_weight_blocks(parts: WeightParts, low: float, high: float) -> list[bk.Block]:
    """The rep's weight: what it is today and why, the menu, and the dial's last day."""
    options = [bk.option(f"Roster weight ({number(parts.roster)})", ids.HOME_DIAL_OFF)] + [
        bk.option(number(w), number(w)) for w in weight_choices(low, high, parts.dial)
    ]
    chosen = number(parts.dial) if parts.dial is not None else ids.HOME_DIAL_OFF
    menu: bk.Block = {
        "type": "static_select",
        "action_id": ids.HOME_DIAL,
        "placeholder": bk.plain_text("Weight", bk.PLACEHOLDER),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == chosen),
    }
    text = (
        f"*Your weight in the round robin*\n{weight_line(parts)}\n"
        "_Your share of new leads against your teammates' weights; 0: none._"
    )
    blocks: list[bk.Block] = [
        {**bk.section(text, block_id=ids.HOME_DIAL_BLOCK + chosen), "accessory": menu}
    ]
    if parts.dial is not None:
        picker: bk.Block = {
            "type": "datepicker",
            "action_id": ids.HOME_DIAL_UNTIL,
            "placeholder": bk.plain_text("Dial until", bk.PLACEHOLDER),
        }
        if parts.dial_until:
            picker["initial_date"] = parts.dial_until.isoformat()
        last = _last_day(parts.dial_until)
        blocks.append(
            {
                **bk.section(
                    f"*Dial until*\n{last}",
                    block_id=ids.HOME_DIAL_UNTIL_BLOCK + (last_id(parts.dial_until)),
                ),
                "accessory": picker,
            }
        )
    blocks.append(
        bk.context(
            "Also from any channel: `/handshake dial up | down | N [until YYYY-MM-DD | "
            f"end-of-quarter]`, within {number(low)} to {number(high)}."
        )
    )
    return blocks


def _last_day(until: date | None) -> str:
    if until is None:
        return "Until you dial again. Pick a last day to make it end by itself."
    return f"Ends after {until.isoformat()}: then you are back to your roster weight."


def last_id(until: date | None) -> str:
    return until.isoformat() if until else "none"


def team_weight_blocks(weights: tuple[TeamWeight, ...]) -> list[bk.Block]:
    """A manager's reps (an admin's: everyone's), each with their weight and its parts."""
    if not weights:
        return []
    lines = [
        f"• {safe(one_line(w.name), NAME)}: *{number(w.parts.effective)}* ({why(w.parts)})"
        for w in weights[:TEAM_SHOWN]
    ]
    blocks: list[bk.Block] = [bk.section("*Your reps' weights today*")]
    for start in range(0, len(lines), LINES_PER_SECTION):
        blocks.append(bk.section("\n".join(lines[start : start + LINES_PER_SECTION])))
    if len(weights) > TEAM_SHOWN:
        blocks.append(bk.context(f"…and {len(weights) - TEAM_SHOWN} more"))
    blocks.append(bk.context("Dial a rep of your team: `/handshake dial @rep up | down | N`."))
    return blocks
