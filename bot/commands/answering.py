"""Answer a `/handshake` report command: scope the caller, run the report in one read-only
session, build the message. The handler has acknowledged already; this may take a while."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.commands.parsing import Command
from bot.reports.campaigns import campaigns
from bot.reports.contract import contract
from bot.reports.contract_compare import compare
from bot.reports.criteria import criteria
from bot.reports.disputes import disputes
from bot.reports.periods import period_for
from bot.reports.recycled import recycled
from bot.reports.routing import routing, routing_scope
from bot.reports.scope import scope_for
from bot.reports.stale import stale
from bot.reports.summary import summary
from bot.reports.timeline import timeline
from bot.runtime import Runtime
from bot.views import reports as views
from bot.views.reports.contract_compare import build_contract_compare
from bot.views.reports.disputes import build_disputes
from bot.views.reports.routing import build_refused, build_routing
from bot.views.settings import NOT_ON_ROSTER
from storage.db import read_only

log = logging.getLogger("handshake.reports")

FAILED = "Sorry, I could not build that report just now; the error is logged. Try again soon."

# command → (report, view, do marketers see everything?)
_PERIOD_REPORTS: dict[str, tuple[Callable[..., Any], Callable[..., dict[str, Any]], bool]] = {
    "summary": (summary, views.build_summary, False),
    "campaigns": (campaigns, views.build_campaigns, True),
    "contract": (contract, views.build_contract, True),
    "criteria": (criteria, views.build_criteria, True),
    "disputes": (disputes, build_disputes, True),  # a rep: disputes of their own decisions
    "recycled": (recycled, views.build_recycled, True),
}


def answer(command: Command, user_id: str, *, runtime: Runtime) -> dict[str, Any]:
    """The message (`text` and `blocks`) that answers `command` for `user_id`."""
    config, now, tz = runtime.config, runtime.clock(), runtime.config.timezone
    if config.person(user_id) is None:
        return {"text": NOT_ON_ROSTER}
    try:
        with read_only(runtime.engine) as session:
            common = {"session": session, "config": config, "now": now}
            if command.name in _PERIOD_REPORTS:
                report, view, marketers_see_all = _PERIOD_REPORTS[command.name]
                scope = scope_for(config, user_id, marketers_see_all=marketers_see_all)
                period = period_for(command.period or "7d", now=now, tz=tz)
                return view(report(**common, scope=scope, period=period), tz=tz)
            if command.name == "routing":
                scope = routing_scope(config, user_id)
                if scope is None:
                    return build_refused()
                period = period_for(command.period or "30d", now=now, tz=tz)
                return build_routing(routing(**common, scope=scope, period=period), tz=tz)
            if command.name == "contract_compare":
                scope = scope_for(config, user_id, marketers_see_all=True)
                found = compare(list(command.versions), session=session, config=config, scope=scope)
                return build_contract_compare(found, tz=tz)
            if command.name == "stale":
                return views.build_stale(stale(**common, scope=scope_for(config, user_id)), tz=tz)
            if command.name == "lead" and command.email:
                scope = scope_for(config, user_id, marketers_see_all=True)
                return views.build_timeline(timeline(command.email, **common, scope=scope), tz=tz)
    except Exception:
        log.exception("report failed command=%s user=%s", command.name, user_id)
        return {"text": FAILED}
    raise ValueError(f"not a report: {command.name}")
