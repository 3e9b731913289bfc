"""The hand-off channel's card shared along a reassignment chain: a hand-off made by a
reassignment (SLA, manager's Reassign now, re-route on a wrong-owner reject) posts no
channel card of its own; it lives on the card of the hand-off it came from. The hand-off
whose `post_card` row posted the card is the chain's root; the newest is what it shows."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.handoffs import get_handoff, handoffs_for_lead
from storage.models import Handoff, Outbox
from storage.outbox import CHANNEL_TARGET, POST_CARD


def card_chain(handoff_id: int, *, session: Session) -> list[Handoff]:
    """The hand-offs sharing `handoff_id`'s channel card, root first, newest last."""
    handoff = get_handoff(handoff_id, session=session)
    if handoff is None:
        return []
    family = {h.id: h for h in handoffs_for_lead(handoff.lead_id, session=session)}
    posting = set(
        session.exec(
            select(Outbox.handoff_id).where(
                col(Outbox.handoff_id).in_(list(family)),
                Outbox.kind == POST_CARD,
                Outbox.target == CHANNEL_TARGET,
            )
        ).all()
    )
    root = handoff
    while root.id not in posting and root.previous_id in family:
        root = family[root.previous_id]
    chain = [root]
    while True:
        nxt = next(
            (h for h in family.values() if h.previous_id == chain[-1].id and h.id not in posting),
            None,
        )
        if nxt is None:
            return chain
        chain.append(nxt)


def share_channel_card(new: Handoff, old: Handoff, *, session: Session) -> None:
    """`new` lives on `old`'s channel card: where it is, if posted already (else the
    card's `post_card` job tells the chain once it is)."""
    if old.channel_id and old.channel_ts:
        new.channel_id, new.channel_ts = old.channel_id, old.channel_ts
        session.add(new)


def set_chain_card(handoff_id: int, channel: str, ts: str, *, session: Session) -> None:
    """The channel card of `handoff_id` was posted: every hand-off of its chain is there."""
    ids = [h.id for h in card_chain(handoff_id, session=session)]
    session.execute(
        update(Handoff)
        .where(col(Handoff.id).in_(ids))
        .values(channel_id=channel, channel_ts=ts)
        .execution_options(synchronize_session=False)
    )
