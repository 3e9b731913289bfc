"""`/handshake lead <email>`: one lead's story across its hand-offs, step by step.

Who may look: admins and marketers any lead; anyone else a lead that was handed to them
or (for a manager) to their team. A lead that exists but is out of scope gets the same
answer as an unknown one, so the command cannot be used to probe for leads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.reports.scope import ALL, Scope
from storage.reports import LeadHistory, lead_histories

MAX_LEADS = 3  # one email can be a lead in several source systems


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str  # the event kind: received, routed, delivered, accepted, …
    actor: str  # a Slack user ID, or "intake" / "system"
    handoff_id: int | None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HandoffLine:
    handoff_id: int
    owner_id: str
    owner_name: str
    rule: str
    status: str
    created_at: datetime
    due_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    first_touch: str | None


@dataclass(frozen=True)
class LeadTimeline:
    lead_id: int
    label: str
    email: str
    source: str
    company: str | None
    campaign: str | None
    score: float | None
    status: str
    created_at: datetime
    handoffs: tuple[HandoffLine, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class TimelineReport:
    email: str
    leads: tuple[LeadTimeline, ...]  # empty: no lead with this email that the caller may see
    hidden: int = 0  # more leads with this email than shown


def timeline(
    email: str, *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime
) -> TimelineReport:
    visible = [
        h
        for h in lead_histories(email, session=session)
        if any(scope.covers(x.owner_id) for x in h.handoffs) or scope.kind == ALL
    ]
    shown = visible[-MAX_LEADS:]  # the latest
    return TimelineReport(
        email.strip().lower(),
        tuple(_lead(h, config) for h in shown),
        len(visible) - len(shown),
    )


def _lead(history: LeadHistory, config: HandshakeConfig) -> LeadTimeline:
    lead = history.lead

    def name(slack_id: str) -> str:
        person = config.person(slack_id)
        return person.name if person else slack_id

    return LeadTimeline(
        lead_id=lead.id or 0,
        label=lead_label(lead),
        email=lead.email,
        source=lead.source,
        company=lead.company,
        campaign=lead.campaign,
        score=lead.score,
        status=lead.status,
        created_at=lead.created_at,
        handoffs=tuple(
            HandoffLine(
                handoff_id=h.id or 0,
                owner_id=h.owner_id,
                owner_name=name(h.owner_id),
                rule=h.rule,
                status=h.status,
                created_at=h.created_at,
                due_at=h.due_at,
                decided_at=h.decided_at,
                decided_by=h.decided_by,
                reason=h.reason_label,
                first_touch=h.first_touch,
            )
            for h in history.handoffs
        ),
        steps=tuple(
            Step(e.at, e.kind, e.actor, e.handoff_id, dict(e.data or {})) for e in history.events
        ),
    )
