"""Every kind of post the outbox makes arrives exactly once, even when Slack posts it and
our client times out before the answer (a timeout after success): the retry finds it by
its metadata (conversations.history, or conversations.replies for a thread reply)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.digest.schedule import enqueue_now
from bot.scheduler import run_tick
from bot.server import build_worker
from bot.services.sla_clock import start_meeting_clock
from sandbox.models import Message
from storage import outbox
from storage.db import unit_of_work
from storage.models import OUT_DONE, OUT_PENDING, Outbox
from tests import factories as f
from tests.conftest import slack_client
from tests.storage.conftest import make_meeting


def _rows(bot) -> list[Outbox]:
    with unit_of_work(bot.runtime.engine) as session:
        return list(session.exec(select(Outbox).order_by(Outbox.id)).all())


def _route(bot, *, deliver: bool = True) -> int:
    return f.routed_handoff(bot, deliver=deliver).lead_id


def _tick_after(bot, clock, hours: float, *, before: int = 0) -> None:
    """`before` full ticks a day apart (delivered), then `hours` later one tick, queued only."""
    _route(bot)
    for _ in range(before):
        clock.advance(hours=24)
        bot.tick()
    clock.advance(hours=hours)
    run_tick(bot.runtime)


def _meeting_due(bot, clock, *, escalate: bool = False) -> None:
    """A meeting Sam booked with Ana, its clock started; then a tick past its nudge (or its
    escalation), queued only."""
    with unit_of_work(bot.runtime.engine) as session:
        meeting = make_meeting(session)
        start_meeting_clock(meeting, session=session, config=bot.runtime.config, now=clock())
        at = meeting.meeting_at + (
            bot.runtime.config.sla.meeting.escalate_after if escalate else timedelta()
        )
        due = meeting.due_at if not escalate else at
    clock.now = due
    run_tick(bot.runtime)


def _pick(row_kind: str, target: str | None = None, **payload: Any) -> Callable[[Outbox], bool]:
    def match(row: Outbox) -> bool:
        data = row.payload or {}
        return (
            row.kind == row_kind
            and row.status == OUT_PENDING
            and (target is None or row.target == target)
            and all(data.get(k) == v for k, v in payload.items())
        )

    return match


CASES: dict[str, tuple[Callable[..., None], Callable[[Outbox], bool]]] = {
    "owner card (DM)": (
        lambda bot, clock: _route(bot, deliver=False),
        _pick(outbox.POST_CARD, "owner"),
    ),
    "channel card": (
        lambda bot, clock: _route(bot, deliver=False),
        _pick(outbox.POST_CARD, "channel"),
    ),
    "thread reply (nudge note)": (
        lambda bot, clock: _tick_after(bot, clock, 4),
        _pick(outbox.THREAD, kind="nudge"),
    ),
    "nudge DM": (
        lambda bot, clock: _tick_after(bot, clock, 4),
        _pick(outbox.DM, template="nudge"),
    ),
    "escalation DM": (
        lambda bot, clock: _tick_after(bot, clock, 8),
        _pick(outbox.DM, template="escalation", recipient=f.MAYA),
    ),
    "reassignment notice (thread reply)": (
        lambda bot, clock: _tick_after(bot, clock, 24),
        _pick(outbox.THREAD, kind="reassigned"),
    ),
    "manager DM (the lead is theirs now)": (
        lambda bot, clock: _tick_after(bot, clock, 24, before=2),
        _pick(outbox.DM, template="manager_fallback", recipient=f.MAYA),
    ),
    "meeting nudge DM": (
        lambda bot, clock: _meeting_due(bot, clock),
        _pick(outbox.DM, template="meeting_nudge", recipient=f.ANA),
    ),
    "meeting escalation DM": (
        lambda bot, clock: _meeting_due(bot, clock, escalate=True),
        _pick(outbox.DM, template="meeting_escalation", recipient=f.MAYA),
    ),
    "digest": (
        lambda bot, clock: enqueue_now(engine=bot.runtime.engine, now=clock()),
        _pick("digest"),
    ),
}


def _tagged_with(slack, row: Outbox) -> list[Message]:
    """Every message in the stand-in Slack whose metadata points at this outbox row."""

    def ours(message: Message) -> bool:
        payload = (message.metadata or {}).get("event_payload") or {}
        if row.kind == outbox.POST_CARD:
            return payload.get("handoff_id") == row.handoff_id and payload.get("card") == row.target
        return payload.get("outbox_id") == row.id

    with slack.state.lock:
        channels = list(slack.state.message_store.channels)
    return [m for channel in channels for m in slack.state.messages(channel) if ours(m)]


@pytest.mark.parametrize("case", list(CASES))
def test_a_timeout_after_slack_posted_never_posts_twice(case, bot, runtime, clock):
    setup, pick = CASES[case]
    setup(bot, clock)
    [row] = [r for r in _rows(bot) if pick(r)]

    bot.slack.state.add_fault("chat.postMessage", delay=3.0, apply_after=True, times=1)
    impatient = build_worker(
        engine=runtime.engine,
        config=runtime.config,
        client=slack_client(bot.slack, timeout=1.5),
        clock=clock,
    )
    impatient.deliver(row.id or 0)
    [after] = [r for r in _rows(bot) if r.id == row.id]
    assert after.status == OUT_PENDING and after.maybe_sent  # the outcome was unknown
    assert len(_tagged_with(bot.slack, row)) == 1  # ... but Slack had posted it

    clock.advance(minutes=5)
    bot.deliver()
    assert len(_tagged_with(bot.slack, row)) == 1
    [done] = [r for r in _rows(bot) if r.id == row.id]
    assert done.status == OUT_DONE
