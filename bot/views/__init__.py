"""Pure Block Kit builders: no Slack calls, no database, no globals."""

from bot.views.lead_card import CardContext, build_lead_card, lead_name
from bot.views.lead_parts import HistoryItem
from bot.views.messages import already_decided, decision_recorded, not_found, refusal
from bot.views.reason_modal import (
    ReasonLike,
    ReasonSubmission,
    build_reason_modal,
    parse_private_metadata,
    parse_reason_submission,
)
from bot.views.text import escape, format_date, format_when, mention, plain, safe, trim

__all__ = [
    "CardContext",
    "HistoryItem",
    "ReasonLike",
    "ReasonSubmission",
    "already_decided",
    "build_lead_card",
    "build_reason_modal",
    "decision_recorded",
    "escape",
    "format_date",
    "format_when",
    "lead_name",
    "mention",
    "not_found",
    "parse_private_metadata",
    "parse_reason_submission",
    "plain",
    "refusal",
    "safe",
    "trim",
]
