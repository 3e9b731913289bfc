"""A batch of leads in the caller's transaction: what `ingest_in` does for each lead in
turn, with the new ones written in bulk.

A run of leads never stored before (and not repeated earlier in the batch) is qualified
and routed in memory: the roster, today's counts, the routing cursors and the account
owners are read once for the run, `bot.domain.routing.route` is called per lead against
that state as the run proceeds (cursor moved, count raised, account owner taken), and the
rows (leads, hand-offs, events, timers, outbox rows) are written with one Core statement
per table, in the order `ingest_in` would have added them, so the rows, their ids and the
answers are the same. Everything else (a duplicate, a revival, a lead sent twice in one
batch) goes through `ingest_in` itself, in order, between the runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.qualify import qualify
from bot.intake.batch_routing import Routed, RoutingState
from bot.intake.service import IntakeResult, ingest_in
from bot.intake.validate import LeadInput
from bot.services.outgoing import outgoing_rows
from storage import intake_batch as store
from storage.accounts import account_domain
from storage.events import event_values
from storage.models import (
    ESCALATE,
    LEAD_NURTURE,
    LEAD_ROUTED,
    PENDING,
    REASSIGN,
    REMIND,
    Handoff,
    Lead,
)
from storage.outbox import CARDS, POST_CARD, outbox_values

ACTOR = "intake"


def ingest_batch(
    leads: Sequence[LeadInput], *, session: Session, config: HandshakeConfig, now: datetime
) -> list[IntakeResult]:
    """`[ingest_in(lead, …) for lead in leads]`, with the same rows and answers."""
    if config.routing.on_shift_only:  # a lead may have to wait for a shift: the ORM path
        return [ingest_in(data, session=session, config=config, now=now) for data in leads]
    known = store.known_leads({(d.source, d.external_id) for d in leads}, session=session)
    results: list[IntakeResult] = []
    run: list[LeadInput] = []
    for data in leads:
        key = (data.source, data.external_id)
        if key in known:
            results += _new_leads(run, session=session, config=config, now=now)
            run = []
            results.append(ingest_in(data, session=session, config=config, now=now))
        else:
            known.add(key)
            run.append(data)
    results += _new_leads(run, session=session, config=config, now=now)
    return results


@dataclass
class _Nurtured:
    key: tuple[str, str]
    reason: str
    signals: list[str]


def _new_leads(
    run: list[LeadInput], *, session: Session, config: HandshakeConfig, now: datetime
) -> list[IntakeResult]:
    if not run:
        return []
    session.flush()  # the ORM's work so far, for the queries below to see
    rows = [_lead_row(data, now) for data in run]
    verdicts = [qualify(row, config.contract) for row in rows]
    state = RoutingState.load(
        [row for row, v in zip(rows, verdicts, strict=True) if v.qualified],
        session=session,
        config=config,
        now=now,
    )
    outcomes: list[Routed | _Nurtured] = []
    for row, verdict in zip(rows, verdicts, strict=True):
        key = (row["source"], row["external_id"])
        if not verdict.qualified:
            row["nurture_reason"] = verdict.reason
            outcomes.append(_Nurtured(key, verdict.reason, list(verdict.signals)))
        else:
            row["status"] = LEAD_ROUTED
            outcomes.append(state.route(row, list(verdict.signals)))
    ids = store.insert_leads(rows, session=session)
    routed = [o for o in outcomes if isinstance(o, Routed)]
    handoff_ids = store.insert_handoffs(
        [_handoff_row(o, ids[o.key], config, now) for o in routed], session=session
    )
    state.save(session=session)
    results = _write_the_rest(rows, outcomes, ids, handoff_ids, session, config, now)
    session.expire_all()  # a routing cursor the ORM holds may have moved
    return results


def _write_the_rest(
    rows: list[dict[str, Any]],
    outcomes: list[Routed | _Nurtured],
    ids: dict[tuple[str, str], int],
    handoff_ids: dict[int, int],
    session: Session,
    config: HandshakeConfig,
    now: datetime,
) -> list[IntakeResult]:
    events: list[dict[str, Any]] = []
    timers: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    results: list[IntakeResult] = []
    version = config.contract.version
    for row, outcome in zip(rows, outcomes, strict=True):
        lead_id = ids[outcome.key]
        row["id"] = lead_id
        events.append(
            event_values(
                "received",
                at=now,
                actor=ACTOR,
                lead_id=lead_id,
                source=row["source"],
                external_id=row["external_id"],
                campaign=row["campaign"],
            )
        )
        if isinstance(outcome, _Nurtured):
            events.append(
                event_values(
                    "nurtured",
                    at=now,
                    actor=ACTOR,
                    lead_id=lead_id,
                    reason=outcome.reason,
                    contract_version=version,
                    signals=outcome.signals,
                )
            )
            extra = {"nurture": {"reason": outcome.reason, "signals": outcome.signals}}
            outbox += _outgoing("lead.nurtured", row, None, config, now, extra=extra)
            body = {"id": lead_id, "status": "nurture", "owner": None}
            results.append(IntakeResult(202, body, reason=outcome.reason))
            continue
        handoff_id = handoff_ids[lead_id]
        events.append(
            event_values(
                "routed",
                at=now,
                actor=ACTOR,
                lead_id=lead_id,
                handoff_id=handoff_id,
                owner=outcome.owner,
                rule=outcome.rule,
                team=outcome.team,
                notes=list(outcome.notes),
                contract_version=version,
                signals=outcome.signals,
                previous_handoff_id=None,
                **outcome.fairness,
            )
        )
        timers += _timer_rows(outcome, handoff_id, now)
        outbox += [outbox_values(POST_CARD, t, now=now, handoff_id=handoff_id) for t in CARDS]
        handoff = _handoff_row(outcome, lead_id, config, now)
        outbox += _outgoing("lead.routed", row, {**handoff, "id": handoff_id}, config, now)
        body = {"id": lead_id, "status": "routed", "owner": outcome.owner}
        results.append(IntakeResult(202, body, rule=outcome.rule, notes=outcome.notes))
    store.insert_rows(store.EVENT, [{**store.EVENT_DEFAULTS, **e} for e in events], session=session)
    store.insert_rows(store.TIMER, timers, session=session)
    store.insert_rows(
        store.OUTBOX, [{**store.OUTBOX_DEFAULTS, **o} for o in outbox], session=session
    )
    return results


def _lead_row(data: LeadInput, now: datetime) -> dict[str, Any]:
    """The new lead's columns, as `ingest_in` sets them (`service._apply`)."""
    row = {
        **store.LEAD_DEFAULTS,
        "source": data.source,
        "external_id": data.external_id,
        "email": data.email,
        "created_at": now,
        "updated_at": now,
        **data.fields,
    }
    if data.extra:
        row["extra"] = dict(data.extra)
    row["account_domain"] = account_domain(row["company_domain"], data.email)
    row["status"] = LEAD_NURTURE
    return row


def _handoff_row(
    routed: Routed, lead_id: int, config: HandshakeConfig, now: datetime
) -> dict[str, Any]:
    return {
        **store.HANDOFF_DEFAULTS,
        "lead_id": lead_id,
        "owner_id": routed.owner,
        "team": routed.team,
        "rule": routed.rule,
        "contract_version": config.contract.version,
        "signals": routed.signals,
        "status": PENDING,
        "created_at": now,
        "due_at": routed.due_at,
        "previous_id": None,
        "tier": routed.tier,
    }


def _timer_rows(routed: Routed, handoff_id: int, now: datetime) -> list[dict[str, Any]]:
    """`sla_clock.start_clock`'s timers."""

    def timer(kind: str, due: datetime, recipient: str | None) -> dict[str, Any]:
        values = {"kind": kind, "handoff_id": handoff_id, "recipient": recipient}
        return {**store.TIMER_DEFAULTS, **values, "due_at": due, "created_at": now}

    rows = [timer(REMIND, routed.due_at, routed.owner)]
    if routed.manager and routed.manager != routed.owner:
        rows.append(timer(ESCALATE, routed.escalate_at, routed.manager))
        rows.append(timer(REASSIGN, routed.reassign_at, None))
    return rows


def _outgoing(
    event_type: str,
    lead: dict[str, Any],
    handoff: dict[str, Any] | None,
    config: HandshakeConfig,
    now: datetime,
    *,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """`outgoing.emit`'s rows; the event's snapshot is built only when someone hears it."""
    if not config.webhooks and config.crm is None:
        return []
    columns = {"id", *store.LEAD_DEFAULTS}
    lead_obj = Lead(**{k: v for k, v in lead.items() if k in columns})
    handoff_obj = Handoff(**handoff) if handoff is not None else None
    return outgoing_rows(
        event_type, config=config, now=now, lead=lead_obj, handoff=handoff_obj, extra=extra
    )
