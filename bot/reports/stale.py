"""`/handshake stale`: pending hand-offs past their deadline, longest overdue first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.leads import lead_label
from bot.reports.scope import Scope
from bot.services.sla_clock import overdue_minutes
from storage.reports import overdue_pending

LIMIT = 15


@dataclass(frozen=True)
class StaleItem:
    handoff_id: int
    lead_label: str
    campaign: str | None
    owner_id: str
    owner_name: str
    created_at: datetime
    due_at: datetime
    overdue_minutes: float


@dataclass(frozen=True)
class StaleReport:
    scope: Scope
    now: datetime
    items: tuple[StaleItem, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def stale(
    *, session: Session, config: HandshakeConfig, scope: Scope, now: datetime, limit: int = LIMIT
) -> StaleReport:
    rows, total = overdue_pending(
        session=session, now=now, owners=scope.owner_filter, limit=limit, teams=scope.teams
    )
    items = []
    for handoff, lead in rows:
        owner = config.person(handoff.owner_id)
        items.append(
            StaleItem(
                handoff_id=handoff.id or 0,
                lead_label=lead_label(lead),
                campaign=lead.campaign,
                owner_id=handoff.owner_id,
                owner_name=owner.name if owner else handoff.owner_id,
                created_at=handoff.created_at,
                due_at=handoff.due_at,
                overdue_minutes=overdue_minutes(
                    handoff.owner_id, handoff.due_at, now, session=session, config=config
                ),
            )
        )
    return StaleReport(scope, now, tuple(items), total)
