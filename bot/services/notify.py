"""Queue the messages that the SLA clock sends: DMs and threaded notes in the channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import outbox


def dm(
    template: str,
    recipient: str,
    handoff_id: int,
    *,
    session: Session,
    now: datetime,
    **params: Any,
) -> None:
    """A DM to `recipient`, rendered from `template` when it is delivered."""
    outbox.enqueue(
        outbox.DM,
        "dm",
        session=session,
        now=now,
        handoff_id=handoff_id,
        payload={"template": template, "recipient": recipient, **params},
    )


def thread_note(
    kind: str, handoff_id: int, *, session: Session, now: datetime, **params: Any
) -> None:
    """A reply under the hand-off's card in the hand-off channel."""
    outbox.enqueue(
        outbox.THREAD,
        "thread",
        session=session,
        now=now,
        handoff_id=handoff_id,
        payload={"kind": kind, **params},
    )
