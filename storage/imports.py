"""CSV import runs: the checkpoint an import commits with each batch of rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ImportRun, Lead


def find_run(file_sha256: str, source: str, *, session: Session) -> ImportRun | None:
    query = select(ImportRun).where(
        ImportRun.file_sha256 == file_sha256, ImportRun.source == source
    )
    return session.exec(query).first()


def known_external_ids(source: str, external_ids: Iterable[str], *, session: Session) -> set[str]:
    """Which of `external_ids` already name a lead of `source`."""
    wanted = list(dict.fromkeys(external_ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Lead.external_id).where(
            Lead.source == source, col(Lead.external_id).in_(chunk)
        )
        found.update(session.exec(query).all())
    return found


def start_run(
    file_sha256: str,
    source: str,
    *,
    file_name: str,
    rows_total: int,
    now: datetime,
    session: Session,
) -> ImportRun:
    """This file's run for `source`: the one already begun, else a new one."""
    run = find_run(file_sha256, source, session=session)
    if run is None:
        run = ImportRun(
            file_sha256=file_sha256,
            source=source,
            file_name=file_name,
            rows_total=rows_total,
            started_at=now,
            updated_at=now,
        )
        session.add(run)
        session.flush()
    return run


def lock_run(run_id: int, *, session: Session) -> ImportRun:
    """The run, locked until the transaction ends: one batch at a time moves it on."""
    query = select(ImportRun).where(ImportRun.id == run_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()
