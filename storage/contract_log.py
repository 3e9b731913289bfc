"""The contract records (issue 14 §4): each qualification contract loaded that differed
from the one before it. Queries only; `bot/services/contract_log.py` decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import ContractRecord

CONTRACT_POST = "contract_post"  # outbox kind: the channel's post about a change
CONTRACT_CHANGED = "contract_changed"  # event kind


def latest_record(*, session: Session) -> ContractRecord | None:
    query = select(ContractRecord).order_by(col(ContractRecord.id).desc()).limit(1)
    return session.exec(query).first()


def add_record(
    *,
    session: Session,
    previous_id: int,
    version: str,
    fingerprint: str,
    definition: dict[str, Any],
    now: datetime,
) -> ContractRecord:
    """Insert and flush: a second record after the same one fails here (IntegrityError)."""
    record = ContractRecord(
        previous_id=previous_id,
        version=version,
        fingerprint=fingerprint,
        definition=definition,
        recorded_at=now,
    )
    session.add(record)
    session.flush()
    return record


def records_of(version: str, *, session: Session) -> list[ContractRecord]:
    """The definitions recorded under this version label, oldest first."""
    query = select(ContractRecord).where(ContractRecord.version == version)
    return list(session.exec(query.order_by(col(ContractRecord.id))).all())
