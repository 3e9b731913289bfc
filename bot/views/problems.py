"""The words for an input a service refused (`Outcome.problem`), shown next to the field
it concerns in a modal, or as the answer to a click."""

from __future__ import annotations

from datetime import date

from bot.services.decisions import NO_REASON, REVISIT_NOT_LATER, REVISIT_TOO_FAR

OUR_FAULT = "Something went wrong on our side; nothing was changed. Please try again."


def invalid_input(problem: str | None, *, latest: date | None = None) -> str | None:
    if problem == NO_REASON:
        return "Pick a reason from the list."
    if problem == REVISIT_NOT_LATER:
        return "The revisit date must be in the future."
    if problem == REVISIT_TOO_FAR:
        return f"Pick a revisit date up to {latest.isoformat() if latest else 'a year from now'}."
    return None
