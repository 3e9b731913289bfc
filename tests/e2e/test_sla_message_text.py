"""What the SLA clock's messages say: each fact once, and the deadline that applies."""

from __future__ import annotations

from bot.views.text import format_when
from storage.db import unit_of_work
from storage.models import FOLLOW_UP
from storage.people import get_person
from storage.timers import timers_for
from tests import factories as f
from tests.e2e.test_sla_flow import accepted_by_ana, dms_of, handoffs, route, thread_replies
from tests.helpers import rendered


def test_reassignment_says_how_long_once_in_the_thread(bot, clock):
    body = route(bot)
    [first] = handoffs(bot, body["id"])
    clock.advance(hours=24)
    bot.tick()
    note = rendered(thread_replies(bot, first)[-1])
    assert "Reassigned from Ana Alvarez to Ben" in note
    assert note.count("without a decision") == 2  # once in the blocks, once in the fallback
    assert "24h" in note


def test_manager_fallback_says_how_long_once(bot, clock):
    body = route(bot)
    for _ in range(3):
        clock.advance(hours=24)
        bot.tick()
    last = handoffs(bot, body["id"])[-1]
    [told] = [m for m in dms_of(bot, f.MAYA, last.id) if "yours now" in rendered(m)]
    text = " ".join(b["text"]["text"] for b in told.blocks if b.get("type") == "section")
    assert text.count("without a decision") == 1
    assert "24h without a decision" in text


def test_follow_up_nudges_show_the_first_touch_deadline(bot, clock):
    body, handoff, _card = accepted_by_ana(bot)
    tz = bot.runtime.config.timezone
    with unit_of_work(bot.runtime.engine) as session:
        [due] = [t.due_at for t in timers_for(handoff.id, session=session) if t.kind == FOLLOW_UP]
        person = get_person(f.ANA, session=session)
        tz = (person.tz if person else None) or tz
    decision_due = handoffs(bot, body["id"])[0].due_at
    assert format_when(due, tz) != format_when(decision_due, tz)
    clock.advance(days=2)
    bot.tick()
    [nudge] = dms_of(bot, f.ANA, handoff.id)
    assert format_when(due, tz) in rendered(nudge)
    assert format_when(decision_due, tz) not in rendered(nudge)
    clock.advance(days=2)
    bot.tick()
    [escalation] = dms_of(bot, f.MAYA, handoff.id)
    assert format_when(decision_due, "UTC")[:10] not in rendered(escalation)
