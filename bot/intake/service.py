"""Store a validated lead, then qualify and route it, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.qualify import qualify
from bot.intake.validate import LeadInput
from bot.runtime import Runtime
from bot.services.assign import assign
from bot.services.outgoing import emit
from bot.services.shift_wait import wait_for_shift
from storage.accounts import account_domain
from storage.db import unit_of_work
from storage.events import log_event
from storage.handoffs import handoffs_for_lead
from storage.leads import find_lead
from storage.models import LEAD_HANDED_BACK, LEAD_NURTURE, Lead


@dataclass(frozen=True)
class IntakeResult:
    http_status: int
    body: dict[str, object]  # the API's answer
    rule: str | None = None  # routed: the routing rule that chose the owner
    notes: tuple[str, ...] = field(default_factory=tuple)  # routed: why earlier rules fell through
    reason: str | None = None  # nurture: why it is not sales-ready


def ingest(lead_input: LeadInput, *, runtime: Runtime, now: datetime | None = None) -> IntakeResult:
    """Durable once this returns: the lead, its events and any card posts are committed."""
    engine, config = runtime.engine, runtime.config
    now = now or runtime.clock()
    try:
        with unit_of_work(engine) as session:
            return ingest_in(lead_input, session=session, config=config, now=now)
    except IntegrityError:
        # A concurrent request stored the same (source, external_id) first.
        with unit_of_work(engine) as session:
            return ingest_in(lead_input, session=session, config=config, now=now)


def ingest_in(
    data: LeadInput, *, session: Session, config: HandshakeConfig, now: datetime
) -> IntakeResult:
    """`ingest`'s work inside the caller's transaction: the caller commits (or rolls back,
    as a dry run does) and wakes the delivery worker."""
    lead = find_lead(data.source, data.external_id, session=session)
    if lead is None:
        lead = Lead(
            source=data.source,
            external_id=data.external_id,
            email=data.email,
            created_at=now,
            updated_at=now,
        )
        _apply(lead, data, now)
        session.add(lead)
        session.flush()
        log_event(
            "received",
            session=session,
            at=now,
            actor="intake",
            lead_id=lead.id,
            source=data.source,
            external_id=data.external_id,
            campaign=lead.campaign,
        )
        return _qualify_and_route(lead, data, session, config, now)

    _apply(lead, data, now)
    session.add(lead)
    revived = (
        lead.status == LEAD_HANDED_BACK and lead.revisit_at is not None and (now >= lead.revisit_at)
    )
    if revived or lead.status == LEAD_NURTURE:
        log_event(
            "received_again",
            session=session,
            at=now,
            actor="intake",
            lead_id=lead.id,
            revived=revived,
        )
        result = _qualify_and_route(lead, data, session, config, now, again=True, revived=revived)
        if result.body["status"] in ("routed", "waiting"):
            return result
    log_event("duplicate", session=session, at=now, actor="intake", lead_id=lead.id)
    return IntakeResult(200, {"id": lead.id, "status": "duplicate"})


def _qualify_and_route(
    lead: Lead,
    data: LeadInput,
    session: Session,
    config: HandshakeConfig,
    now: datetime,
    *,
    again: bool = False,
    revived: bool = False,
) -> IntakeResult:
    verdict = qualify(_lead_mapping(lead), config.contract)
    if not verdict.qualified:
        lead.nurture_reason = verdict.reason
        if not again:
            lead.status = LEAD_NURTURE
            log_event(
                "nurtured",
                session=session,
                at=now,
                actor="intake",
                lead_id=lead.id,
                reason=verdict.reason,
                contract_version=config.contract.version,
                signals=list(verdict.signals),
            )
            emit(
                "lead.nurtured",
                session=session,
                config=config,
                now=now,
                lead=lead,
                extra={"nurture": {"reason": verdict.reason, "signals": list(verdict.signals)}},
            )
            body = {"id": lead.id, "status": "nurture", "owner": None}
            return IntakeResult(202, body, reason=verdict.reason)
        return IntakeResult(200, {"id": lead.id, "status": "duplicate"})
    # a lead stored just now has no hand-offs yet: no query for them
    previous = handoffs_for_lead(lead.id or 0, session=session) if again else []
    if revived:  # out of nurture: heard before the new hand-off's lead.routed
        emit(
            "lead.revived",
            session=session,
            config=config,
            now=now,
            lead=lead,
            handoff=previous[-1] if previous else None,
        )
    lead.revisit_at = None
    signals = list(verdict.signals)
    if wait_for_shift(
        lead, session=session, config=config, now=now, signals=signals, actor="intake"
    ):
        return IntakeResult(202, {"id": lead.id, "status": "waiting", "owner": None})
    assignment = assign(
        lead,
        session=session,
        config=config,
        now=now,
        signals=signals,
        actor="intake",
        previous=previous[-1] if previous else None,
    )
    decision = assignment.decision
    body = {"id": lead.id, "status": "routed", "owner": assignment.handoff.owner_id}
    return IntakeResult(202, body, rule=decision.rule, notes=decision.notes)


def _apply(lead: Lead, data: LeadInput, now: datetime) -> None:
    """Latest data wins: every field the request gave replaces the stored one."""
    lead.email = data.email
    for name, value in data.fields.items():
        setattr(lead, name, value)
    if data.extra:
        lead.extra = {**(lead.extra or {}), **data.extra}
    lead.account_domain = account_domain(lead.company_domain, lead.email)
    lead.updated_at = now


def _lead_mapping(lead: Lead) -> dict[str, object]:
    return lead.model_dump()
