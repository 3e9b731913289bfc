"""The words for dials: the answer to `/handshake dial`, the DM when a dial ends, and a
person's weight with its parts (roster weight or dial, ramp, end-of-quarter boost)."""

from __future__ import annotations

from typing import Any

from bot.domain.dials import WeightParts
from bot.services.dials import (
    BAD_WEIGHT,
    DIAL_CHANGED,
    NO_DATE,
    NO_DIAL,
    NOT_A_REP,
    NOT_ON_ROSTER,
    NOT_YOURS,
    OUT_OF_RANGE,
    PAST,
    REFUSED,
    SET,
    TOO_FAR,
    UNKNOWN,
    DialResult,
)
from bot.views import blocks as bk
from bot.views.settings import NOT_ON_ROSTER as NOT_ON_ROSTER_TEXT
from bot.views.text import one_line, safe, trim

NAME = 120
_HOME_PROBLEMS = {
    BAD_WEIGHT: "Pick a weight from the list, or *Roster weight*.",
    NO_DATE: "Pick a date for *Dial until*.",
    PAST: "That day is in the past: pick today or a later day for *Dial until*.",
    TOO_FAR: "That day is more than a year ahead: pick an earlier day for *Dial until*.",
    NO_DIAL: "Pick a weight first: *Dial until* is the last day of a dial.",
}


def number(value: float) -> str:
    """2, 1.5, 0.56: at most two decimals, no trailing zeros."""
    return f"{round(value, 2):g}"


def why(parts: WeightParts) -> str:
    """ "dialed to 2 until 2026-12-31 (roster weight 1) × ramping up 62% (full weight on
    2027-01-05) × end-of-quarter boost ×2 until 2026-12-31" """
    if parts.dial is None:
        said = [f"roster weight {number(parts.roster)}"]
    else:
        until = (
            f"until {parts.dial_until.isoformat()}" if parts.dial_until else "until dialed again"
        )
        said = [f"dialed to {number(parts.dial)} {until} (roster weight {number(parts.roster)})"]
    if parts.ramp < 1:
        full = f", full weight on {parts.ramp_full_on.isoformat()}" if parts.ramp_full_on else ""
        said.append(f"ramping up {round(parts.ramp * 100)}%{full}")
    if parts.boost != 1:
        until = f" until {parts.boost_until.isoformat()}" if parts.boost_until else ""
        said.append(f"end-of-quarter boost ×{number(parts.boost)}{until}")
    return " × ".join(said)


def weight_line(parts: WeightParts) -> str:
    return f"*{number(parts.effective)}* today: {why(parts)}"


def dial_text(result: DialResult) -> str:
    """The answer to `/handshake dial …` (and to the weight menu on Home)."""
    who = "you" if result.own else safe(one_line(result.name), NAME) or "them"
    span = f"{number(result.low)} to {number(result.high)}"
    if result.outcome == REFUSED:
        if result.problem == NOT_ON_ROSTER:
            return NOT_ON_ROSTER_TEXT
        if result.problem == UNKNOWN:
            return "That person is not on the Handshake roster, so they have no weight to dial."
        if result.problem == NOT_A_REP:
            if result.own:
                return "Only AEs and SDRs receive leads, so only they have a weight to dial."
            return f"{who} is not an AE or SDR: only they receive leads and have a weight."
        if result.problem == NOT_YOURS:
            return (
                f"You can dial only the reps of the teams you manage; {who} is not one of them. "
                "Ask their manager or an admin."
            )
        if result.problem in _HOME_PROBLEMS:
            return _HOME_PROBLEMS[result.problem]
        assert result.problem == OUT_OF_RANGE, result
        asked = number(result.asked or 0)
        return f"{asked} is outside the range of weights, {span}: pick a weight from {span}."
    assert result.parts is not None
    whose = "Your" if result.own else f"{who}'s"
    if result.outcome != SET:
        return f"{whose} weight in the round robin: {weight_line(result.parts)}."
    text = f"Dialed. {whose} weight in the round robin is now {weight_line(result.parts)}."
    if result.clamped:
        edge = "highest" if result.parts.dial == result.high else "lowest"
        text += f" (Held at the {edge} weight a dial can set: the range is {span}.)"
    if result.parts.dial is not None and result.parts.dial == 0:
        text += " At weight 0, no new leads reach " + ("you." if result.own else "them.")
    return text


def build_dial_dm(payload: dict[str, Any]) -> dict[str, Any]:
    """A dial's DM: it ended, or someone else set it."""
    if payload.get("template") == DIAL_CHANGED:
        return build_dial_changed_dm(payload)
    return build_dial_ended_dm(payload)


def build_dial_changed_dm(payload: dict[str, Any]) -> dict[str, Any]:
    """To a rep whose manager (or an admin) dialed them."""
    by = safe(one_line(payload.get("by_name") or "Your manager"), NAME)
    roster = payload.get("roster")
    roster_text = number(roster) if isinstance(roster, (int, float)) else "?"
    weight = payload.get("weight")
    if isinstance(weight, (int, float)):
        until = safe(str(payload.get("until") or ""), 20)
        last = f" until {until} (then back to your roster weight)" if until else ""
        said = f"set your weight in the round robin to {number(weight)}{last}"
        text = f"{by} {said}; your roster weight is {roster_text}."
    else:
        text = f"{by} set you back to your roster weight, {roster_text}."
    text += " `/handshake dial` shows your weight and why."
    return {"text": trim(text, 3000), "blocks": [bk.section(f"🎚️ {text}")]}


def build_dial_ended_dm(payload: dict[str, Any]) -> dict[str, Any]:
    """To the person whose dial ended, or to whoever set it for them."""
    weight = payload.get("weight")
    weight_text = number(weight) if isinstance(weight, (int, float)) else "?"
    roster = payload.get("roster")
    roster_text = number(roster) if isinstance(roster, (int, float)) else "?"
    until = safe(str(payload.get("until") or ""), 20)
    if payload.get("recipient") == payload.get("person"):
        text = (
            f"Your dial (weight {weight_text}, last day {until}) has ended: you are back to your "
            f"roster weight, {roster_text}. `/handshake dial` shows your weight and why."
        )
    else:
        name = safe(one_line(payload.get("name") or "your rep"), NAME)
        text = (
            f"The dial you set for {name} (weight {weight_text}, last day {until}) has ended: "
            f"they are back to their roster weight, {roster_text}."
        )
    return {"text": trim(text, 3000), "blocks": [bk.section(f"🎚️ {text}")]}
