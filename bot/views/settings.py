"""The words for a person's own settings changed from Slack (`/handshake away`,
`/handshake capacity`, the App Home controls): what changed, or why nothing did."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.away import show
from bot.services.home import BAD_CAPACITY, NO_DATE, PAST, TOO_FAR, Refused
from bot.services.settings import AWAY, SettingChange

NOT_ON_ROSTER = "You are not on the Handshake roster; ask your admin to add you to the config."


def change_text(change: SettingChange) -> str:
    if not change.on_roster:
        return NOT_ON_ROSTER
    if change.setting == AWAY:
        moved = _moved(change.reassigned)
        if change.away_to is not None:
            zone = change.zone or ZoneInfo("UTC")
            start = show(change.away_from, zone) if change.away_from else "now"
            return (
                f"You are away from {start} until {show(change.away_to, zone)}: "
                f"new leads go to your teammates meanwhile.{moved}"
            )
        if not isinstance(change.value, date):
            return "Welcome back: new leads can reach you again."
        return (
            f"You are away until {change.value.isoformat()}: "
            f"new leads go to your teammates until then.{moved}"
        )
    if change.value is None:
        return "Your daily cap is off."
    return f"You will get at most {change.value} new leads a day."


def _moved(count: int) -> str:
    if count <= 0:
        return ""
    leads = "lead that was" if count == 1 else "leads that were"
    return f" {count} pending {leads} due while you are away went to a teammate."


def refusal_text(refused: Refused) -> str:
    picked = refused.picked.isoformat() if refused.picked else ""
    if refused.problem == PAST:
        return f"{picked} is in the past: pick today or a later date for *Away until*."
    if refused.problem == TOO_FAR:
        latest = refused.latest.isoformat() if refused.latest else ""
        return f"{picked} is too far ahead: pick a date before {latest} for *Away until*."
    if refused.problem == BAD_CAPACITY:
        return "Pick a daily cap from the list, or *No cap*."
    assert refused.problem == NO_DATE, refused
    return "Pick a date for *Away until*."
