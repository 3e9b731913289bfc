"""The SDR → AE stage, pure: which AE gets a meeting, and when an SDR may book one.

`route_ae` reuses the first hand-off's routing (bot/domain/routing.py) with AEs as the
rotation: the account owner (an AE who already holds the company's domain) first, then
round robin among the SDR's team's AEs, skipping the away and those at their daily
capacity, else the team's manager. The caller loads the people, the account owner and the
AE cursor, and stores the new cursor when the meeting is booked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.domain.routing import (
    ACCOUNT,
    MANAGER_FALLBACK,
    ROUND_ROBIN,
    Rep,
    RouteDecision,
    RouteRequest,
    route,
)

AE = "ae"
SDR = "sdr"
CHOSEN = "chosen"  # the SDR picked another AE than routing suggested
SENT_BACK_BY = "sent_back_by"  # booked again: back to the AE who sent the meeting back
AE_RULES = (ACCOUNT, SENT_BACK_BY, ROUND_ROBIN, MANAGER_FALLBACK, CHOSEN)
CURSOR_ROLE = "meeting_ae"  # RoutingCursor.role of the AE rotation (apart from first-line "ae")

# Why an SDR may not book (None: they may).
NOT_SDR_STAGE = "not_sdr_stage"  # first_line ae, or the owner is not an SDR: one-click touch
NOT_ACCEPTED = "not_accepted"
DISQUALIFIED = "disqualified"
PENDING_MEETING = "pending_meeting"
CLOSED = "closed"  # the AE accepted or rejected the last meeting

MEETING_PAST_GRACE = timedelta(days=1)  # a meeting further in the past is a typo
MEETING_AHEAD = timedelta(days=366)
COMMENT_MAX_LENGTH = 500


@dataclass(frozen=True)
class AeRequest:
    team: str  # the SDR's team
    team_manager: str
    account_owner: str | None  # whoever holds the company's domain (any role)
    cursor: str | None  # the last AE the rotation gave a meeting to
    sent_back_by: str | None = None  # the AE who sent this hand-off's last meeting back
    passes: Mapping[str, float] | None = None  # the AE rotation's passes


def route_ae(request: AeRequest, people: Sequence[Rep], today: date) -> RouteDecision:
    """The AE pre-filled in the booking form, and the rule that chose them. A meeting
    booked again after a send-back goes to the AE who asked for the gap to be closed
    (unless they are away or full), then as any other: the account's AE, the rotation."""
    by_id = {p.slack_id: p for p in people}
    if request.sent_back_by is not None:
        back = replace(request, sent_back_by=None, account_owner=request.sent_back_by)
        again = route_ae(back, people, today)
        if again.owner == request.sent_back_by and again.rule == ACCOUNT:
            return replace(again, rule=SENT_BACK_BY)
    account = request.account_owner
    notes: tuple[str, ...] = ()
    if account is not None and (by_id.get(account) is None or by_id[account].role != AE):
        notes = (f"account owner {account} is not an AE",)
        account = None
    decision = route(
        RouteRequest(
            owner_email=None,
            team=request.team,
            team_manager=request.team_manager,
            first_line_role=AE,
            account_owner=account,
            cursor=request.cursor,
            passes=request.passes,
        ),
        people,
        today,
    )
    return replace(decision, notes=notes + decision.notes)


def why_not_book(
    *,
    first_line: str,
    owner_role: str | None,
    handoff_status: str,
    first_touch: str | None,
    last_meeting_status: str | None,
) -> str | None:
    """None when the hand-off's owner may book a meeting now; else why not."""
    if first_line != SDR or owner_role != SDR:
        return NOT_SDR_STAGE
    if handoff_status != "accepted":
        return NOT_ACCEPTED
    if first_touch == "disqualified":
        return DISQUALIFIED
    if last_meeting_status == "pending":
        return PENDING_MEETING
    if last_meeting_status in ("accepted", "rejected"):
        return CLOSED
    return None


def meeting_time_problem(meeting_at: datetime, now: datetime) -> str | None:
    """Why a meeting time is not plausible (None when it is)."""
    if meeting_at < now - MEETING_PAST_GRACE:
        return "The meeting is more than a day in the past. Pick its real date and time."
    if meeting_at > now + MEETING_AHEAD:
        return "The meeting is more than a year away. Pick its real date and time."
    return None
