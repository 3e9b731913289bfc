"""Nobody leaves a lead behind: a rep removed from the roster (a config reload) or
deactivated in Slack (`deleted: true` from users.info) has their pending hand-offs moved on
by the reassignment rules, once, with their manager told; until then the manager sees them
in `stale` and may Reassign them."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.reports.scope import scope_for
from bot.reports.stale import stale
from bot.scheduler import refresh_time_zones
from bot.services.config_reload import reload_config
from bot.services.decisions import REFUSED
from bot.services.reassign_picker import open_picker, pick
from storage.db import unit_of_work
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.models import PENDING, REASSIGNED
from storage.people import get_person
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
