"""The SLA in force for a lead (its tier) and the deadlines of a hand-off.

Deadlines count working time in the owner's calendar, from the hand-off's creation (or from
the accept, for the follow-up): they measure how long the owner has kept the lead waiting.
When a message about a deadline may be sent is the recipient's business: the next working
moment in their calendar (`WorkCalendar.next_working`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import SlaConfig, TierConfig, TierWhen
from bot.domain.calendar import WorkCalendar


@dataclass(frozen=True)
class SlaTimes:
    respond_within: timedelta
    escalate_after: timedelta
    reassign_after: timedelta
    follow_up_within: timedelta
    follow_up_escalate_after: timedelta
    tier: str | None = None  # the tier's name; None: the base SLA


@dataclass(frozen=True)
class Deadlines:
    remind: datetime  # no decision by then: nudge the owner
    escalate: datetime  # tell the owner's manager
    reassign: datetime  # move the lead on


def tier_matches(when: TierWhen, lead: Mapping[str, Any]) -> bool:
    """Every condition given holds for the lead (a mapping of intake fields)."""
    if when.min_score is not None and _score(lead) < when.min_score:
        return False
    if when.campaign is not None:
        campaign = lead.get("campaign")
        if not isinstance(campaign, str) or _fold(campaign) != _fold(when.campaign):
            return False
    if when.activity is not None:
        wanted = _fold(when.activity)
        activities = lead.get("activities")
        if not isinstance(activities, list | tuple):
            return False
        types = (a.get("type") for a in activities if isinstance(a, Mapping))
        if not any(isinstance(t, str) and _fold(t) == wanted for t in types):
            return False
    return True


def select_tier(sla: SlaConfig, lead: Mapping[str, Any]) -> TierConfig | None:
    """The first tier whose conditions the lead meets, in config order."""
    return next((tier for tier in sla.tiers if tier_matches(tier.when, lead)), None)


def select_sla(sla: SlaConfig, lead: Mapping[str, Any]) -> SlaTimes:
    """The durations in force for this lead: its tier's, else the base ones (tier None)."""
    tier = select_tier(sla, lead)
    return SlaTimes(**sla.durations(tier), tier=tier.name if tier else None)


def deadlines(
    created_at: datetime,
    times: SlaTimes,
    owner_calendar: WorkCalendar,
    manager_calendar: WorkCalendar | None = None,
) -> Deadlines:
    """Remind, escalate and reassign times, each counted from `created_at` in the owner's
    working time (escalation too: it measures the owner's waiting).

    `manager_calendar` does not move any of them; it is accepted so that a caller can
    pass both and is a reminder that escalations go out at `it.next_working(d.escalate)`.
    """
    return Deadlines(
        remind=owner_calendar.add(created_at, times.respond_within),
        escalate=owner_calendar.add(created_at, times.escalate_after),
        reassign=owner_calendar.add(created_at, times.reassign_after),
    )


def follow_up_deadlines(
    accepted_at: datetime, times: SlaTimes, owner_calendar: WorkCalendar
) -> tuple[datetime, datetime]:
    """(nudge the owner, tell the manager) when no first touch is logged after an accept."""
    return (
        owner_calendar.add(accepted_at, times.follow_up_within),
        owner_calendar.add(accepted_at, times.follow_up_escalate_after),
    )


def _score(lead: Mapping[str, Any]) -> float:
    value = lead.get("score")
    if isinstance(value, bool):
        return 0.0
    try:
        score = float(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0
    return score if math.isfinite(score) else 0.0


def _fold(text: str) -> str:
    return text.strip().casefold()
