"""Queue the messages that the SLA clock sends: DMs and threaded notes in the channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage import outbox
from storage.models import Outbox


def dm_values(
    template: str, recipient: str, handoff_id: int, *, now: datetime, **params: Any
) -> dict[str, Any]:
    """A DM to `recipient`, rendered from `template` when it is delivered."""
    return outbox.outbox_values(
        outbox.DM,
        "dm",
        now=now,
        handoff_id=handoff_id,
        payload={"template": template, "recipient": recipient, **params},
    )


def thread_values(kind: str, handoff_id: int, *, now: datetime, **params: Any) -> dict[str, Any]:
    """A reply under the hand-off's card in the hand-off channel."""
    return outbox.outbox_values(
        outbox.THREAD, "thread", now=now, handoff_id=handoff_id, payload={"kind": kind, **params}
    )


def dm(
    template: str,
    recipient: str,
    handoff_id: int,
    *,
    session: Session,
    now: datetime,
    **params: Any,
) -> None:
    session.add(Outbox(**dm_values(template, recipient, handoff_id, now=now, **params)))


def thread_note(
    kind: str, handoff_id: int, *, session: Session, now: datetime, **params: Any
) -> None:
    session.add(Outbox(**thread_values(kind, handoff_id, now=now, **params)))
