"""What the demo's colleagues do with a lead (`FATES`) and what they write: the SDR's
answers to the team's questions, the AE's Send back or Reject. Seeded: the same seed, the
same words."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot import ids
from bot.config import HandshakeConfig
from bot.config.qualification import NO, UNSURE, YES

YOURS, ACCEPT, PENDING, SEND_BACK, REJECT = "yours", "accept", "pending", "send_back", "reject"
# By routed lead, cycled: the first stays with its SDR for you, the next is taken into
# pipeline, the third waits for an AE (you), the fourth is sent back, the fifth rejected.
FATES = (YOURS, ACCEPT, PENDING, SEND_BACK, REJECT, PENDING)
COMMENTS = {
    YES: ["Confirmed on the call.", "They named the numbers themselves.", None],
    UNSURE: ["Not discussed in depth yet.", "Depends on their IT review.", None],
    NO: ["They would not commit to it.", "A cheaper tool already covers most of it."],
}
NOTES = [
    "Champion is the VP; procurement joins the next call.",
    "They want a rollout plan for three sites.",
    "Decision expected this quarter.",
    "",
]
SEND_BACK_NOTES = [
    "Find out who signs off and what budget they hold before we meet again.",
    "Ask what they would replace and what it costs them today.",
]


def booking(
    r: random.Random, config: HandshakeConfig, fate: str, now: datetime
) -> tuple[dict[str, Any], str]:
    """The booking form's answers by block, and the weak question's code: mostly Yes for a
    meeting the AE will take, a doubt or a No on one question for the others (the one a
    Send back names). The meeting just ended, so the AE's decision clock is running."""
    criteria = config.qualification.criteria
    weak = r.randrange(len(criteria))
    answers: dict[str, Any] = {}
    for index, criterion in enumerate(criteria):
        if fate == ACCEPT:
            answer = YES if r.random() < 0.8 else UNSURE
        elif index == weak:
            answer = NO if fate == REJECT or r.random() < 0.4 else UNSURE
        else:
            answer = r.choice([YES, YES, UNSURE])
        answers[ids.MEETING_ANSWER_BLOCK + criterion.code] = answer
        comment = r.choice(COMMENTS[answer])
        if comment:
            answers[ids.MEETING_COMMENT_BLOCK + criterion.code] = comment
    met = now.replace(second=0, microsecond=0) - timedelta(minutes=r.randint(1, 3))
    answers[ids.MEETING_AT_BLOCK] = met
    note = r.choice(NOTES)
    if note:
        answers[ids.NOTE_BLOCK] = note
    return answers, criteria[weak].code


def decision(
    r: random.Random,
    config: HandshakeConfig,
    fate: str,
    weak: str,
    offered: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The Send back form (the weak question, a note) or the Reject form (one of the
    `offered` reasons that closes the lead rather than re-routing it)."""
    if fate == SEND_BACK:
        return {ids.MEETING_CRITERION_BLOCK: weak, ids.NOTE_BLOCK: r.choice(SEND_BACK_NOTES)}
    reroute = {reason.code for reason in config.reasons.reject if reason.reroute}
    reasons = [o["value"] for o in offered if o["value"] not in reroute]
    return {ids.REASON_BLOCK: r.choice(reasons)}
