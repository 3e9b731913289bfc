"""Pure Block Kit builders: no Slack calls, no database, no globals."""

from bot.services.cards import CardContext, HistoryItem
from bot.views.lead_card import build_lead_card
from bot.views.messages import (
    already_decided,
    decision_recorded,
    not_found,
    not_pending,
    nudge_sent,
    reassigned_to,
    refusal,
    snoozed,
    touch_recorded,
)
from bot.views.reason_modal import (
    ReasonLike,
    ReasonSubmission,
    build_reason_modal,
    parse_private_metadata,
    parse_reason_submission,
)
from bot.views.sla_messages import (
    build_escalation,
    build_manager_fallback,
    build_nudge,
    thread_note,
)
from bot.views.sla_parts import TOUCH_BY_ACTION, TOUCH_LABELS
from bot.views.text import escape, format_date, format_when, mention, plain, safe, trim
from bot.views.touch_modal import (
    TouchSubmission,
    build_touch_modal,
    parse_touch_metadata,
    parse_touch_submission,
)

__all__ = [
    "TOUCH_BY_ACTION",
    "TOUCH_LABELS",
    "CardContext",
    "HistoryItem",
    "ReasonLike",
    "ReasonSubmission",
    "TouchSubmission",
    "already_decided",
    "build_escalation",
    "build_lead_card",
    "build_manager_fallback",
    "build_nudge",
    "build_reason_modal",
    "build_touch_modal",
    "decision_recorded",
    "escape",
    "format_date",
    "format_when",
    "mention",
    "not_found",
    "not_pending",
    "nudge_sent",
    "parse_private_metadata",
    "parse_reason_submission",
    "parse_touch_metadata",
    "parse_touch_submission",
    "plain",
    "reassigned_to",
    "refusal",
    "safe",
    "snoozed",
    "thread_note",
    "touch_recorded",
    "trim",
]
