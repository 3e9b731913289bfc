"""Disputes: **Dispute** on the channel card (marketers and admins), and the manager's
**Uphold** / **Overturn**; each opens a form (the why; an optional note)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services import dispute_rulings, disputes
from bot.views.dispute import (
    RULING_FROM_ACTION,
    answer_text,
    build_dispute_modal,
    build_ruling_modal,
)
from handlers.actions.meeting import _open
from handlers.answers import begin


def dispute_clicked(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    checked = disputes.check_disputer(handoff_id, answer.user_id, runtime=runtime)
    if checked.result != disputes.OK or checked.handoff is None:
        answer(dispute_text(checked), error=True)
        return
    view = build_dispute_modal(
        handoff_id=handoff_id,
        lead_label=checked.lead_label or "this lead",
        decision=checked.handoff.status,
    )
    _open(client, body, answer, view, f"dispute handoff={handoff_id}")


def ruling_clicked(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, dispute_id = begin(ack, body, respond, client, runtime)
    if dispute_id is None:
        return
    checked = dispute_rulings.check_ruler(dispute_id, answer.user_id, runtime=runtime)
    if checked.result != disputes.OK:
        answer(dispute_text(checked, ruling=True), error=True)
        return
    ruling = RULING_FROM_ACTION[body["actions"][0]["action_id"]]
    view = build_ruling_modal(
        dispute_id=dispute_id, ruling=ruling, lead_label=checked.lead_label or "this lead"
    )
    _open(client, body, answer, view, f"dispute={dispute_id}")


def dispute_text(
    outcome: disputes.DisputeOutcome, *, ruling: bool = False, plain: bool = False
) -> str:
    """Why nothing happened, in words (`plain`: for a form's error line)."""
    status = outcome.dispute.status if outcome.dispute else None
    result = {
        disputes.REFUSED: "refused_rule" if ruling else "refused_dispute",
        disputes.ALREADY: "already_ruled" if ruling else "already_disputed",
        disputes.NOT_DISPUTABLE: "not_disputable",
        disputes.INVALID: "no_why",
    }.get(outcome.result, "not_found")
    return answer_text(result, outcome.lead_label, status=status, plain=plain)
