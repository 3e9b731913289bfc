"""Details on the compact channel card: the full card in a view-only modal, for anyone."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.runtime import Runtime
from bot.services.cards import card_details
from bot.views import messages
from bot.views.compact_card import build_details_modal
from handlers.actions.decision import TOO_SLOW
from handlers.answers import begin

log = logging.getLogger("handshake.handlers")


def open_details(
    ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, runtime: Runtime
) -> None:
    answer, handoff_id = begin(ack, body, respond, client, runtime)
    if handoff_id is None:
        return
    ctx = card_details(handoff_id, runtime=runtime)
    if ctx is None:
        answer(messages.not_found(), error=True)
        return
    try:
        client.views_open(trigger_id=body["trigger_id"], view=build_details_modal(ctx))
    except SlackApiError as exc:
        log.warning("views.open failed (details) handoff=%s: %s", handoff_id, exc)
        answer(TOO_SLOW, error=True)
