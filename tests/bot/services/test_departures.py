"""Nobody leaves a lead behind: a rep removed from the roster (a config reload) or
deactivated in Slack (`deleted: true` from users.info) has their pending hand-offs moved on
by the reassignment rules, once, with their manager told; until then the manager sees them
in `stale` and may Reassign them. A lead they had accepted stays accepted, but if no first
touch was logged its follow-up reminders stop and the manager is told at once, once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.reports.scope import scope_for
from bot.reports.stale import stale
from bot.scheduler import refresh_time_zones
from bot.services.config_reload import reload_config
from bot.services.decisions import ACCEPT, REFUSED, decide
from bot.services.reassign_picker import open_picker, pick
from bot.services.sla_actions import record_touch
from storage.db import make_engine, unit_of_work
from storage.events import events_of_kind
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.models import ACCEPTED, PENDING, REASSIGNED, TIMER_CANCELLED
from storage.people import get_person
from storage.timers import timers_for
from tests import factories as f
from tests.helpers import dm_messages, rendered, wait_for

TEAM_AES = {f.ANA, f.BEN, f.CARA}


def without(tmp_path: Path, slack_id: str) -> Path:
    people = [p for p in f.PEOPLE if p["slack_id"] != slack_id]
    path = tmp_path / "handshake.yml"
    path.write_text(yaml.safe_dump(f.config_data(people=people), sort_keys=False))
    return path


def departed_dms(bot) -> list[str]:
    texts = [rendered(m) for m in dm_messages(bot.slack, f.MAYA)]
    return [text for text in texts if "can no longer take" in text]


def chain(bot, lead_id: int):
    with unit_of_work(bot.runtime.engine) as session:
        return handoffs_for_lead(lead_id, session=session)


def test_removed_from_roster_moves_on_once_and_manager_is_told(bot, tmp_path) -> None:
    routed = f.routed_handoff(bot, country="US")
    gone = routed.handoff.owner_id
    assert reload_config(bot.runtime, without(tmp_path, gone)).applied
    bot.tick()
    first, moved = chain(bot, routed.lead_id)
    assert first.status == REASSIGNED and first.reassign_reason == "left the roster"
    assert moved.status == PENDING and moved.owner_id in TEAM_AES - {gone}
    assert moved.rule == "reassigned"  # the reassignment rules, not the manager fallback
    dms = departed_dms(bot)
    assert len(dms) == 1 and "left the roster" in dms[0]
    bot.tick()  # exactly once
    assert len(chain(bot, routed.lead_id)) == 2
    assert len(departed_dms(bot)) == 1


def test_manager_sees_a_removed_owners_lead_in_stale_and_may_reassign(bot, tmp_path) -> None:
    routed = f.routed_handoff(bot, country="US")
    gone = routed.handoff.owner_id
    assert reload_config(bot.runtime, without(tmp_path, gone)).applied
    bot.runtime.clock.advance(hours=5)  # past the 4h deadline
    config = bot.runtime.config
    with unit_of_work(bot.runtime.engine) as session:
        report = stale(
            session=session, config=config, scope=scope_for(config, f.MAYA), now=bot.runtime.clock()
        )
        assert [i.handoff_id for i in report.items] == [routed.handoff.id]
        others = stale(
            session=session, config=config, scope=scope_for(config, f.MAX), now=bot.runtime.clock()
        )
        assert others.items == ()
    other_team = open_picker(routed.handoff.id, f.MAX, runtime=bot.runtime)
    assert other_team.outcome.result == REFUSED  # another team's manager may not
    picker = open_picker(routed.handoff.id, f.MAYA, runtime=bot.runtime)
    assert picker.form is not None  # the manager of the hand-off's team may
    offered = [c.slack_id for c in picker.form.offered]
    assert set(offered) == TEAM_AES - {gone} and gone not in offered
    outcome = pick(routed.handoff.id, f.MAYA, offered[-1], runtime=bot.runtime, actor_name="Maya")
    assert outcome.new_handoff is not None and outcome.new_handoff.owner_id == offered[-1]
    bot.tick()  # nothing left for the sweep
    assert len(chain(bot, routed.lead_id)) == 2
    assert departed_dms(bot) == []


def test_deactivated_in_slack_moves_on_and_takes_no_new_leads(bot) -> None:
    routed = f.routed_handoff(bot, country="US")
    gone = routed.handoff.owner_id
    bot.slack.state.set_deleted(gone)
    refresh_time_zones(bot.worker)
    with unit_of_work(bot.runtime.engine) as session:
        assert get_person(gone, session=session).deactivated
    bot.tick()
    first, moved = chain(bot, routed.lead_id)
    assert first.reassign_reason == "deactivated in Slack"
    assert moved.owner_id in TEAM_AES - {gone}
    assert len(departed_dms(bot)) == 1
    bot.tick()
    assert len(chain(bot, routed.lead_id)) == 2
    owners = {f.routed_handoff(bot, country="US").handoff.owner_id for _ in range(4)}
    assert gone not in owners
    bot.slack.state.set_deleted(gone, False)  # reactivated: takes leads again
    refresh_time_zones(bot.worker)
    with unit_of_work(bot.runtime.engine) as session:
        assert not get_person(gone, session=session).deactivated
        assert get_handoff(moved.id, session=session).status == PENDING


def test_deactivated_through_user_change_moves_on_at_once(bot) -> None:
    routed = f.routed_handoff(bot, country="US")
    gone = routed.handoff.owner_id
    bot.slack.state.set_deleted(gone)
    assert bot.peer.user_changed(gone).status_code == 200  # acked; the listener goes on
    wait_for(lambda: len(chain(bot, routed.lead_id)) == 2)  # no tick: the event sweeps
    bot.deliver()
    first, moved = chain(bot, routed.lead_id)
    assert first.status == REASSIGNED and first.reassign_reason == "deactivated in Slack"
    assert moved.owner_id in TEAM_AES - {gone}
    assert len(departed_dms(bot)) == 1
    bot.peer.user_changed(gone)  # the same event again (or a retry): nothing moves twice
    wait_for(lambda: bot.runtime.foreground.waiting == 0)
    bot.tick()
    bot.deliver()
    assert len(chain(bot, routed.lead_id)) == 2 and len(departed_dms(bot)) == 1


def follow_up_left_dms(bot) -> list[str]:
    texts = [rendered(m) for m in dm_messages(bot.slack, f.MAYA)]
    return [text for text in texts if "can no longer follow up on" in text]


def channel_notes(bot) -> list[str]:
    return [m.text for m in bot.slack.state.messages(f.CHANNEL) if m.thread_ts not in (None, m.ts)]


def accepted(bot):
    routed = f.routed_handoff(bot, country="US")
    owner = routed.handoff.owner_id
    outcome = decide(routed.handoff.id, owner, ACCEPT, runtime=bot.runtime)
    assert outcome.handoff is not None and outcome.handoff.status == ACCEPTED
    bot.deliver()
    return routed, owner


def test_an_accepted_lead_with_no_first_touch_stops_reminding_and_tells_the_manager(
    bot, tmp_path
) -> None:
    routed, gone = accepted(bot)
    assert reload_config(bot.runtime, without(tmp_path, gone)).applied
    bot.tick()
    [handoff] = chain(bot, routed.lead_id)
    assert handoff.status == ACCEPTED and handoff.owner_id == gone  # still theirs, accepted
    with unit_of_work(bot.runtime.engine) as session:
        clock = [t for t in timers_for(handoff.id, session=session) if "follow_up" in t.kind]
        assert clock and {t.status for t in clock} == {TIMER_CANCELLED}
        assert {t.note for t in clock} == {"the owner left the roster"}
        [event] = events_of_kind("follow_up_stopped", session=session)
        assert event.data["owner"] == gone and event.data["recipient"] == f.MAYA
    [dm] = follow_up_left_dms(bot)
    assert "left the roster" in dm and "logged no first touch" in dm
    name = next(p["name"] for p in f.PEOPLE if p["slack_id"] == gone)  # left the config
    [note] = [n for n in channel_notes(bot) if n.startswith("🚪")]
    assert note.startswith(f"🚪 {name} left (left the roster) before a first touch")
    assert "Maya" in note
    nudged_before = len(dm_messages(bot.slack, gone))
    bot.runtime.clock.advance(days=5)  # past the follow-up's nudge and escalation
    bot.tick()
    assert len(dm_messages(bot.slack, gone)) == nudged_before  # nobody nudges the departed
    escalations = [
        m for m in dm_messages(bot.slack, f.MAYA) if "but has logged no first touch" in rendered(m)
    ]
    assert len(follow_up_left_dms(bot)) == 1 and escalations == []  # told once, early


def test_a_deactivated_owner_who_logged_the_first_touch_leaves_the_lead_alone(bot) -> None:
    routed, gone = accepted(bot)
    record_touch(routed.handoff.id, gone, "contacted", runtime=bot.runtime)
    bot.slack.state.set_deleted(gone)
    refresh_time_zones(bot.worker)
    bot.tick()
    assert follow_up_left_dms(bot) == []
    assert not [n for n in channel_notes(bot) if n.startswith("🚪")]


def test_a_deactivated_owners_accepted_lead_is_told_once_across_sweeps(bot) -> None:
    _, gone = accepted(bot)
    bot.slack.state.set_deleted(gone)
    assert bot.peer.user_changed(gone).status_code == 200  # the event sweeps at once
    wait_for(lambda: bot.runtime.foreground.waiting == 0)
    bot.tick()
    bot.peer.user_changed(gone)  # again, or a retry
    wait_for(lambda: bot.runtime.foreground.waiting == 0)
    bot.tick()
    [dm] = follow_up_left_dms(bot)
    assert "deactivated in Slack" in dm
    assert len([n for n in channel_notes(bot) if n.startswith("🚪")]) == 1


def test_two_instances_sweeping_at_once_tell_the_manager_once(bot, monkeypatch) -> None:
    """The compare-and-set: an instance that found the lead before another stopped its
    clock finds no timer left to cancel, and sends nothing."""
    import bot.services.departures as departures

    engine = bot.runtime.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite: every write transaction holds the write lock from its start")
    _, gone = accepted(bot)
    bot.slack.state.set_deleted(gone)
    refresh_time_zones(bot.worker)
    found = departures.departed_following_up
    other_swept: list[int] = []
    calls = {"n": 0}

    def late(*, session, limit):
        seen = found(session=session, limit=limit)
        calls["n"] += 1
        if calls["n"] == 1:  # the other instance sweeps between our read and our cancel
            other = make_engine(engine.url.render_as_string(hide_password=False))
            try:
                other_swept.append(departures.sweep_departures(replace(bot.runtime, engine=other)))
            finally:
                other.dispose()
        return seen

    monkeypatch.setattr(departures, "departed_following_up", late)
    assert departures.sweep_departures(bot.runtime) == 0
    assert other_swept == [1]
    bot.deliver()
    assert len(follow_up_left_dms(bot)) == 1
    with unit_of_work(engine) as session:
        assert len(events_of_kind("follow_up_stopped", session=session)) == 1
