"""`handshake import`: a CSV file's rows through the intake path, as a dry run (one
transaction, rolled back) or for real (batches, each committed with its checkpoint)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.domain.qualify import qualify
from bot.intake.body import FieldError
from bot.intake.csv_import import ColumnMap, CsvFile, Row, extra_cells, row_body
from bot.intake.service import ingest_in
from bot.intake.validate import LeadInput, validate_lead
from bot.runtime import Runtime
from bot.views.text import plural
from storage import imports
from storage.db import read_only, rehearsal, unit_of_work
from storage.people import PersonSeed, sync_people

BATCH_ROWS = 200
ROUTED, NURTURE, DUPLICATE, ERROR = "routed", "nurture", "duplicate", "error"
WAITING = "waiting"  # routing.on_shift_only: nobody on shift yet


@dataclass(frozen=True)
class Prepared:
    """A row and what validation made of it: a lead, or its errors."""

    row: Row
    lead: LeadInput | None
    errors: list[FieldError]

    @property
    def error_text(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)


@dataclass(frozen=True)
class Outcome:
    line: int
    status: str  # routed | nurture | duplicate | error
    detail: str  # to whom by which rule; why nurture; which lead; which fields are bad

    def text(self) -> str:
        joint = " " if self.status == ROUTED else ": "
        return f"line {self.line}: {self.status}{joint}{self.detail}"


@dataclass
class Totals:
    routed: int = 0
    nurture: int = 0
    duplicate: int = 0
    errors: int = 0

    def add(self, status: str) -> None:
        name = "errors" if status == ERROR else status
        setattr(self, name, getattr(self, name) + 1)

    def text(self) -> str:
        return (
            f"routed {self.routed}, nurture {self.nurture}, "
            f"duplicate {self.duplicate}, errors {self.errors}"
        )


@dataclass
class ImportReport:
    totals: Totals
    rows_total: int
    resumed_at: int = 0  # rows an earlier, interrupted run had already imported
    already_imported: datetime | None = None  # when the file was finished before
    outcomes: list[Outcome] = field(default_factory=list)


def prepare(
    csv_file: CsvFile, columns: ColumnMap, source: str, owners: Mapping[str, str] | None = None
) -> list[Prepared]:
    """Every row validated exactly as `POST /api/leads` validates a body. `owners`: roster
    names (case-folded) → emails, for an owner column that holds names."""
    prepared = []
    for row in csv_file.rows:
        body, found = row_body(row, columns, source, owners)
        lead, errors = validate_lead(body, found)
        problem = extra_cells(row, csv_file.header)
        if problem:
            lead, errors = None, [FieldError("row", problem), *errors]
        prepared.append(Prepared(row, lead, errors))
    return prepared


def dry_run(
    prepared: list[Prepared],
    *,
    runtime: Runtime,
    roster: list[PersonSeed],
    on_row: Callable[[Outcome], None],
) -> Totals:
    """What a real run would do, row by row: the very same intake in one transaction, rolled
    back at the end (so later rows see earlier rows' round robin), storing nothing."""
    totals = Totals()
    now = runtime.clock()
    with rehearsal(runtime.engine) as session:
        sync_people(roster, session=session)
        for item in prepared:
            outcome = _one(item, session=session, runtime=runtime, now=now)
            totals.add(outcome.status)
            on_row(outcome)
    return totals


def run_import(
    prepared: list[Prepared],
    csv_file: CsvFile,
    *,
    file_name: str,
    source: str,
    runtime: Runtime,
    roster: list[PersonSeed],
    batch_rows: int = BATCH_ROWS,
    on_batch: Callable[[int], None] = lambda _rows: None,
) -> ImportReport:
    """Import the rows in batches; each batch commits with the run's checkpoint, so a run cut
    short (even killed) resumes after its last committed batch. `on_batch(rows)` is told
    after each commit. A finished file is not imported again. `roster`: the config's
    people, loaded first as `serve` loads them."""
    for attempt in (1, 2):  # a second import of the same file may begin it at the same time
        try:
            with unit_of_work(runtime.engine) as session:
                sync_people(roster, session=session)
                run = imports.start_run(
                    csv_file.sha256,
                    source,
                    file_name=file_name,
                    rows_total=len(prepared),
                    now=runtime.clock(),
                    session=session,
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    totals = Totals(run.routed, run.nurture, run.duplicate, run.errors)
    report = ImportReport(totals, len(prepared), run.rows_done, run.finished_at)
    finished = run.finished_at is not None
    while not finished:
        try:
            run, outcomes = _batch(prepared, run.id or 0, runtime, batch_rows)
        except IntegrityError:
            # Someone (the API, another import) stored one of these leads first: the batch
            # was rolled back with its checkpoint; once more, and they are duplicates.
            run, outcomes = _batch(prepared, run.id or 0, runtime, batch_rows)
        report.outcomes += outcomes
        report.totals = Totals(run.routed, run.nurture, run.duplicate, run.errors)
        finished = run.finished_at is not None
        on_batch(len(outcomes))
    return report


def _batch(
    prepared: list[Prepared], run_id: int, runtime: Runtime, batch_rows: int
) -> tuple[imports.ImportRun, list[Outcome]]:
    """The next batch after the checkpoint, and the checkpoint moved past it, committed."""
    with unit_of_work(runtime.engine) as session:
        run = imports.lock_run(run_id, session=session)
        start, now = run.rows_done, runtime.clock()
        outcomes = []
        for item in prepared[start : start + batch_rows]:
            outcome = _one(item, session=session, runtime=runtime, now=now)
            outcomes.append(outcome)
            _count(run, outcome.status)
        run.rows_done = start + len(outcomes)
        run.updated_at = now
        run.finished_at = now if run.rows_done >= len(prepared) else None
        session.add(run)
    return run, outcomes


def rows_done(csv_file: CsvFile, *, source: str, runtime: Runtime) -> tuple[int, datetime | None]:
    """How many rows of this file an earlier run imported into `source`, and when it
    finished (None: not yet, or never begun)."""
    with read_only(runtime.engine) as session:
        run = imports.find_run(csv_file.sha256, source, session=session)
        return (run.rows_done, run.finished_at) if run else (0, None)


def _count(run: imports.ImportRun, status: str) -> None:
    name = "errors" if status == ERROR else status
    setattr(run, name, getattr(run, name) + 1)


def _one(item: Prepared, *, session: Session, runtime: Runtime, now: datetime) -> Outcome:
    line = item.row.line
    if item.lead is None:
        return Outcome(line, ERROR, item.error_text)
    result = ingest_in(item.lead, session=session, config=runtime.config, now=now)
    status = str(result.body["status"])
    if status == WAITING:  # counted with the routed: it is routed when a shift starts
        return Outcome(line, ROUTED, "later: it waits for the first shift to start")
    if status == ROUTED:
        owner = str(result.body["owner"])
        detail = f"to {runtime.name_of(owner)} ({owner}) by {result.rule}"
        if result.notes:
            detail += " (" + "; ".join(result.notes) + ")"
    elif status == NURTURE:
        detail = result.reason or ""
    else:
        # Not the lead's id: a dry run's ids are rolled back (on PostgreSQL, never reused).
        detail = f"{item.lead.source} lead {item.lead.external_id} is already stored"
    return Outcome(line, status, detail)


@dataclass(frozen=True)
class Estimate:
    cards: int  # new leads that qualify: one channel card each
    seconds: int  # at Slack's chat.postMessage pace of about 1 message a second per channel

    def text(self) -> str:
        if self.cards == 0:
            return "no new lead qualifies: no cards will be posted"
        cards = plural(self.cards, "card")
        took = posting_time(self.seconds)
        return (
            f"about {cards}; the hand-off channel gets them at about 1 a second: "
            f"{took if took.startswith('under') else 'about ' + took} (each owner's DMs at "
            "the same pace, in parallel); the delivery worker of `handshake serve` posts them"
        )


def posting_time(seconds: int) -> str:
    """ "under a minute", "12 min", "2 h 47 min"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return " ".join(([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes else []))


def estimate(prepared: list[Prepared], *, source: str, runtime: Runtime) -> Estimate:
    """The cards a real run would queue: rows that qualify and are new (a fast pre-pass,
    without routing). Each goes to the hand-off channel at about 1 a second; each owner's
    DM channel gets theirs at the same pace, in parallel, so the channel sets the time."""
    qualified: dict[str, None] = {}
    for item in prepared:
        lead = item.lead
        if lead is not None and qualify(_mapping(lead), runtime.config.contract).qualified:
            qualified[lead.external_id] = None
    with read_only(runtime.engine) as session:
        known = imports.known_external_ids(source, qualified, session=session)
    cards = len(qualified.keys() - known)
    return Estimate(cards, cards)


def _mapping(lead: LeadInput) -> dict[str, object]:
    return {"external_id": lead.external_id, "email": lead.email, **lead.fields}
