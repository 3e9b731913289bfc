"""`handshake import FILE.csv`: reading, column mapping, dry run against the real run,
resuming, idempotence and the errors file, against a real SQLite file."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session, SQLModel

from bot import cli
from bot.config import parse_config
from bot.intake import csv_import, importing
from bot.intake.csv_import import (
    CsvProblem,
    Row,
    map_columns,
    parse_map_options,
    read_csv,
    row_body,
)
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.server import prepare_database, seeds
from storage.db import READ_ONLY, make_engine, unit_of_work
from storage.models import Event, Handoff, ImportRun, Lead, Outbox, Timer
from storage.people import set_capacity
from tests import factories as f

ROOT = Path(__file__).resolve().parents[3]
HEADER = ["Record ID", "Email", "First Name", "Company", "Website", "Lead Score", "Country"]
HEADER += ["Lead Owner", "Notes", "Favorite Color"]


def line(*cells: object) -> str:
    return ";".join(str(c) for c in cells)


def sample_file(path: Path) -> Path:
    """BOM, semicolons, a quoted newline, a bad row in the middle, a CRM-owned lead, a
    nurture lead, a repeat of an earlier row, a lead for the EMEA team."""
    rows = [
        line(*HEADER),
        line("r1", "ann@acme.example", "Ann", "Acme", "https://www.Acme.example/about", 90, "US"),
        line("r2", "bo@bobco.example", "Bo", "Bobco", "", 95, "US", "", '"call\nback"', "blue"),
        line("r3", "not-an-email", "Cid", "Cidco", "", "lots", "US"),
        line("r4", "dee@dd.example", "Dee", "DD", "", 70, "US", "ben@example.com"),
        line("r5", "eli@low.example", "Eli", "Low", "", 10, "US"),
        line("r2", "bo@bobco.example", "Bo", "Bobco", "", 95, "US"),
        line("r6", "fay@emea.example", "Fay", "Emea", "", 80, "DE"),
    ]
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode("utf-8"))
    return path


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


# -- reading and mapping (pure) ------------------------------------------------------------


def test_read_bom_semicolons_and_quoted_newlines(tmp_path):
    data = read_csv(sample_file(tmp_path / "leads.csv"))
    assert data.delimiter == ";"
    assert data.header == HEADER  # no BOM on the first name
    assert [r.line for r in data.rows] == [2, 3, 5, 6, 7, 8, 9]  # row r2 spans lines 3 and 4
    assert data.rows[1].cells[8] == "call\nback"


@pytest.mark.parametrize("delimiter", [",", "\t", "|", ";"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "x.csv"
    path.write_text(f"Email{delimiter}Company\na@b.example{delimiter}Acme, Inc\n", "utf-8")
    data = read_csv(path)
    assert data.delimiter == delimiter
    assert data.rows[0].cells[0] == "a@b.example"


def test_sniffing_a_crm_export_with_empty_cells_and_quoted_newlines():
    # As csv.writer (and Excel) write it: CRLF between rows, a bare LF inside quoted notes,
    # trailing empty cells. csv.Sniffer alone gives up on this sample.
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for i in range(3000):
        note = "met at the booth\ncall back" if i % 10 == 3 else ""
        writer.writerow([f"r{i}", f"a{i}@b.example", "Jo", "Co", "co.example", 80, "US", "", note])
    assert csv_import.sniff_delimiter(out.getvalue()[: csv_import.SNIFF_BYTES]) == ";"
    assert csv_import.sniff_delimiter("Email\na@b.example\n") == ","


def test_crm_export_names_map_onto_lead_fields():
    header = ["E-mail", "Job Title", "Account Name", "Company Domain", "Number of Employees"]
    header += ["HubSpot Score", "Original Source", "Contact ID", "Contact owner email", "Shoe"]
    columns = map_columns(header)
    assert list(columns.fields.values()) == [
        "email", "title", "company", "company_domain", "employees", "score", "campaign",
        "external_id", "owner_email",
    ]  # fmt: skip
    assert columns.extra == {9: "Shoe"}
    assert not columns.email_from_external_id


def test_map_overrides_the_header_and_can_leave_a_column_out():
    header = ["Work Email", "Email", "Id", "Internal"]
    columns = map_columns(header, parse_map_options(["Work Email=email", "internal="]))
    assert columns.fields == {0: "email", 2: "external_id"}
    assert columns.extra == {1: "Email"}  # the other email column is kept, not lost
    assert any("Email" in note for note in columns.notes)


def test_an_extra_column_never_overwrites_a_field_or_another_extra():
    """'email' kept as an extra (E-mail gave the email) must not replace the email; two
    'Phone' columns are both kept."""
    header = ["E-mail", "email", "Website", "company_domain", "Phone", "Phone"]
    columns = map_columns(header)
    assert columns.fields == {0: "email", 2: "company_domain"}
    assert columns.extra == {1: "email (2)", 3: "company_domain (2)", 4: "Phone", 5: "Phone (2)"}
    assert any("'email (2)'" in note for note in columns.notes)
    row = Row(2, ["real@acme.com", "old@other.com", "https://www.acme.com/x", "other.com",
                  "111", "222"])  # fmt: skip
    body, errors = row_body(row, columns, "csv")
    assert errors == [] and body["email"] == "real@acme.com"
    assert body["company_domain"] == "acme.com" and body["company_domain (2)"] == "other.com"
    assert (body["Phone"], body["Phone (2)"]) == ("111", "222")


@pytest.mark.parametrize(
    ("header", "options", "message"),
    [
        (["Name", "Phone"], [], "no email column"),
        (["Email"], ["Email=favourite"], "favourite is not a lead field"),
        (["Email"], ["Mail=email"], "no column is named 'Mail'"),
        (["Email"], ["email"], "expected COLUMN=FIELD"),
    ],
)
def test_mapping_problems(header, options, message):
    with pytest.raises(CsvProblem, match=message):
        map_columns(header, parse_map_options(options))


def test_domain_of():
    assert csv_import.domain_of("HTTPS://www.Acme.example:443/a?b") == "acme.example"
    assert csv_import.domain_of("acme.example") == "acme.example"


def test_posting_time():
    assert importing.posting_time(10_020) == "2 h 47 min"
    assert importing.posting_time(20) == "under a minute"
    assert importing.posting_time(600) == "10 min"


# -- the command ------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Harness:
    tmp: Path
    engine: Engine
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str) -> Run:
        self.capsys.readouterr()
        code = cli.main(["import", *argv])
        out = self.capsys.readouterr()
        return Run(code, out.out, out.err)


@pytest.fixture
def handshake(tmp_path, monkeypatch, capsys) -> Harness:
    config_file = tmp_path / "handshake.yml"
    config_file.write_text(yaml.safe_dump(f.config_data(), sort_keys=False), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = prepare_database(url, parse_config(f.config_data()))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("HANDSHAKE_CONFIG", str(config_file))
    yield Harness(tmp_path, engine, monkeypatch, capsys)
    engine.dispose()


def outcome_lines(out: str) -> list[str]:
    return [row for row in out.splitlines() if row.startswith("line ")]


def test_dry_run_shows_each_row_and_stores_nothing(handshake):
    path = sample_file(handshake.tmp / "leads.csv")
    before = counts(handshake.engine)
    result = handshake(str(path), "--source", "crm", "--dry-run")
    assert result.code == 0, result.err
    assert counts(handshake.engine) == before
    lines = outcome_lines(result.out)
    assert lines[0] == f"line 2: routed to Ana Alvarez ({f.ANA}) by round_robin"
    assert lines[2] == "line 5: error: email: is not a valid email address; score: must be a number"
    assert lines[3] == f"line 6: routed to Ben Brooks ({f.BEN}) by crm_owner"
    assert lines[4].startswith("line 7: nurture: score 10 below 60")
    assert lines[5] == "line 8: duplicate: crm lead r2 is already stored"
    assert lines[6].startswith(f"line 9: routed to Eve Evans ({f.EVE})")
    assert "dry run, nothing stored: routed 4, nurture 1, duplicate 1, errors 1" in result.out
    assert not (handshake.tmp / "leads.errors.csv").exists()


def test_owner_email_that_names_no_one_is_shown_falling_through(handshake):
    path = handshake.tmp / "o.csv"
    path.write_text("Email,Lead Owner,Score\na@x.example,nobody@example.com,90\n", "utf-8")
    result = handshake(str(path), "--source", "crm", "--dry-run")
    assert outcome_lines(result.out) == [
        f"line 2: routed to Ana Alvarez ({f.ANA}) by round_robin "
        "(owner_email nobody@example.com names no configured person)"
    ]


def test_an_owner_column_of_names_routes_through_the_roster(handshake):
    """Salesforce's "Lead Owner" and HubSpot's "Contact owner" hold a person's name."""
    path = handshake.tmp / "names.csv"
    path.write_text(
        "Email,Lead Owner,Score\na@x.example,ben brooks,90\nb@y.example,Zed Nobody,90\n", "utf-8"
    )
    result = handshake(str(path), "--source", "crm")
    assert result.code == 0, result.err
    with unit_of_work(handshake.engine) as session:
        rows = session.exec(select(Lead, Handoff).where(Handoff.lead_id == Lead.id)).all()
    by_email = {lead.email: (lead, handoff) for lead, handoff in rows}
    lead, handoff = by_email["a@x.example"]
    assert (lead.owner_email, handoff.owner_id, handoff.rule) == (
        "ben@example.com",
        f.BEN,
        "crm_owner",
    )
    lead, handoff = by_email["b@y.example"]  # another company: no account owner
    assert lead.owner_email is None and lead.extra == {"Lead Owner": "Zed Nobody"}
    assert handoff.rule == "round_robin"


def test_real_run_agrees_with_dry_run_row_by_row(engine, config, tmp_path):
    """On both backends: PostgreSQL does not roll back its sequences, so nothing shown may
    depend on an id."""
    path = sample_file(tmp_path / "leads.csv")
    runtime = Runtime(engine=engine, config=config)
    data = read_csv(path)
    prepared = importing.prepare(data, map_columns(data.header), "crm")
    dry: list[importing.Outcome] = []
    before = counts(engine)
    importing.dry_run(prepared, runtime=runtime, roster=seeds(config), on_row=dry.append)
    assert counts(engine) == before
    report = importing.run_import(
        prepared, data, file_name="leads.csv", source="crm", runtime=runtime,
        roster=seeds(config), batch_rows=3,
    )  # fmt: skip
    assert report.outcomes == dry
    assert [o.status for o in dry] == [
        "routed", "routed", "error", "routed", "nurture", "duplicate", "routed",
    ]  # fmt: skip
    with Session(engine) as session:
        ann = session.exec(select(Lead).where(Lead.external_id == "r1")).scalar_one()
        bo = session.exec(select(Lead).where(Lead.external_id == "r2")).scalar_one()
    assert ann.company_domain == "acme.example"
    assert bo.notes == "call\nback" and bo.extra == {"Favorite Color": "blue"}


def test_real_run_writes_errors_and_is_idempotent(handshake):
    path = sample_file(handshake.tmp / "leads.csv")
    first = handshake(str(path), "--source", "crm")
    assert first.code == 0, first.err
    assert "about 4 cards; the hand-off channel gets them at about 1 a second" in first.out
    assert "7 rows: routed 4, nurture 1, duplicate 1, errors 1" in first.out
    errors_file = handshake.tmp / "leads.errors.csv"
    with errors_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [
        [*HEADER, "errors"],
        ["r3", "not-an-email", "Cid", "Cidco", "", "lots", "US", "", "", "",
         "email: is not a valid email address; score: must be a number"],
    ]  # fmt: skip
    stored = counts(handshake.engine)
    assert stored["lead"] == 5 and stored["handoff"] == 4 and stored["importrun"] == 1

    again = handshake(str(path), "--source", "crm")
    assert again.code == 0
    assert "was already imported into crm" in again.out
    assert counts(handshake.engine) == stored

    # Fixed: the stale errors file goes (a new file, a new run; every lead a duplicate).
    fixed = path.read_bytes().replace(b"not-an-email;Cid;Cidco;;lots", b"cid@c.example;Cid;C;;5")
    path.write_bytes(fixed)
    third = handshake(str(path), "--source", "crm")
    assert "routed 0, nurture 1, duplicate 6, errors 0" in third.out
    assert not errors_file.exists()


def test_an_interrupted_import_resumes_after_its_last_batch(handshake):
    path = handshake.tmp / "many.csv"
    rows = [f"lead{i}@many.example,{i},{90 if i % 2 else 5}" for i in range(10)]
    path.write_text("Email,Id,Score\n" + "\n".join(rows) + "\n", "utf-8")
    config = parse_config(f.config_data())
    runtime = Runtime(engine=handshake.engine, config=config)
    data = read_csv(path)
    prepared = importing.prepare(data, map_columns(data.header), "crm")
    batches = 0

    def crash(_rows: int) -> None:
        nonlocal batches
        batches += 1
        if batches == 2:
            raise KeyboardInterrupt  # the person pressed Ctrl-C after two batches

    with pytest.raises(KeyboardInterrupt):
        importing.run_import(
            prepared, data, file_name="many.csv", source="crm", runtime=runtime,
            roster=seeds(config), batch_rows=3, on_batch=crash,
        )  # fmt: skip
    assert counts(handshake.engine)["lead"] == 6
    result = handshake(str(path), "--source", "crm")
    assert "resumed after row 6 of 10" in result.out
    assert "10 rows: routed 5, nurture 5, duplicate 0, errors 0" in result.out
    with Session(handshake.engine) as session:
        kinds = session.exec(select(Event.kind)).scalars().all()
        assert session.exec(select(func.count()).select_from(Lead)).scalar_one() == 10
        run = session.exec(select(ImportRun)).scalar_one()
    assert kinds.count("received") == 10 and "duplicate" not in kinds
    assert (run.rows_done, run.finished_at is not None) == (10, True)


def test_a_killed_import_resumes_exactly_once(handshake):
    path = handshake.tmp / "big.csv"
    rows = [f"lead{i}@big.example,{90 if i % 3 else 5}" for i in range(3000)]
    path.write_text("Email,Score\n" + "\n".join(rows) + "\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "bot.cli", "import", str(path), "--source", "crm"]
    process = subprocess.Popen(args, env=env, cwd=handshake.tmp, stdout=subprocess.DEVNULL)
    done, deadline = 0, time.monotonic() + 60
    reader = handshake.engine.execution_options(**{READ_ONLY: True})  # never waits for the lock
    while done == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
        with reader.connect() as conn:
            done = conn.execute(text("SELECT coalesce(max(rows_done), 0) FROM importrun")).scalar()
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 0 < done < 3000, "the import should have been killed part way"
    result = handshake(str(path), "--source", "crm", "--yes")
    assert result.code == 0, result.err
    assert "3000 rows: routed 2000, nurture 1000, duplicate 0, errors 0" in result.out
    stored = counts(handshake.engine)
    assert stored["lead"] == 3000 and stored["handoff"] == 2000
    with Session(handshake.engine) as session:
        posts = session.exec(select(func.count()).select_from(Outbox)).scalar_one()
        timers = session.exec(select(func.count()).select_from(Timer)).scalar_one()
        handoffs = session.exec(select(func.count(func.distinct(Handoff.lead_id)))).scalar_one()
    assert handoffs == 2000 and posts == stored["outbox"] and timers == stored["timer"]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (None, [], "cannot read the file"),
        (b"Email;Name\n\xff\xfe;x\n", [], "is not UTF-8 text (byte 11)"),
        (b"", [], "is empty"),
        (b"Name,Phone\nAnn,1\n", [], "no email column"),
        (b"Mail\na@b.example\n", ["--map", "Mail=mail"], "mail is not a lead field"),
    ],
)
def test_exit_2_when_the_file_cannot_be_imported(handshake, content, options, message):
    path = handshake.tmp / "in.csv"
    if content is not None:
        path.write_bytes(content)
    result = handshake(str(path), "--source", "crm", *options)
    assert result.code == 2
    assert message in result.err
    assert counts(handshake.engine)["importrun"] == 0


def test_map_option_on_the_command_line(handshake):
    path = handshake.tmp / "m.csv"
    path.write_text("Mail,Who,Score\na@b.example,ana@example.com,90\n", "utf-8")
    maps = ["--map", "Mail=email", "--map", "Who=owner_email"]
    result = handshake(str(path), "--source", "crm", *maps)
    assert result.code == 0, result.err
    assert "routed 1" in result.out
    with Session(handshake.engine) as session:
        lead = session.exec(select(Lead)).scalar_one()
        handoff = session.exec(select(Handoff)).scalar_one()
    assert (lead.external_id, lead.owner_email) == ("a@b.example", "ana@example.com")
    assert (handoff.owner_id, handoff.rule) == (f.ANA, "crm_owner")


def test_a_database_without_schema_is_refused(tmp_path, monkeypatch, capsys):
    config_file = tmp_path / "handshake.yml"
    config_file.write_text(yaml.safe_dump(f.config_data()), encoding="utf-8")
    path = tmp_path / "leads.csv"
    path.write_text("Email\na@b.example\n", "utf-8")
    make_engine(f"sqlite:///{tmp_path / 'x.db'}").dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    monkeypatch.setenv("HANDSHAKE_CONFIG", str(config_file))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["import", str(path), "--source", "crm"]) == 2
    assert "run `handshake migrate`" in capsys.readouterr().err


def test_a_rep_at_daily_capacity_is_skipped_row_by_row(handshake):
    with unit_of_work(handshake.engine) as session:
        set_capacity(f.ANA, 1, session=session)
    path = handshake.tmp / "cap.csv"
    rows = "".join(f"l{i}@x{i}.example,l{i}@x{i}.example,90\n" for i in range(4))  # 4 companies
    path.write_text("Email,Id,Score\n" + rows, "utf-8")
    result = handshake(str(path), "--source", "crm", "--dry-run")
    owners = [row.split("(")[1].split(")")[0] for row in outcome_lines(result.out)]
    assert owners == [f.ANA, f.BEN, f.CARA, f.BEN]


def test_a_long_card_run_asks_first_on_a_terminal(handshake, monkeypatch):
    path = handshake.tmp / "long.csv"
    rows = "".join(f"l{i}@x.example,90\n" for i in range(200))
    path.write_text("Email,Score\n" + rows, "utf-8")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    result = handshake(str(path), "--source", "crm")
    assert "about 200 cards; the hand-off channel gets them at about 1 a second: about 3 min" in (
        result.out
    )
    assert result.code == 1 and "nothing imported" in result.out
    assert counts(handshake.engine)["lead"] == 0
    assert handshake(str(path), "--source", "crm", "--yes").code == 0
    assert counts(handshake.engine)["lead"] == 200


def test_a_batch_that_meets_a_lead_stored_meanwhile_is_redone(handshake, monkeypatch):
    """Another writer stored a lead of the batch between the batch's look-up and its insert:
    the batch rolls back with its checkpoint and runs again, and the lead is a duplicate."""
    from bot.intake import service

    config = parse_config(f.config_data())
    stored, _ = validate_lead(f.lead_body(external_id="r2", email="b@x.example", source="crm"))
    assert stored is not None
    with unit_of_work(handshake.engine) as session:
        service.ingest_in(stored, session=session, config=config, now=f.START)
    real_find, missed = service.find_lead, []

    def find_lead(source: str, external_id: str, *, session: Session) -> Lead | None:
        if external_id == "r2" and not missed:
            missed.append(external_id)  # as if the other writer had not committed yet
            return None
        return real_find(source, external_id, session=session)

    monkeypatch.setattr(service, "find_lead", find_lead)
    path = handshake.tmp / "race.csv"
    path.write_text("Email,Id,Score\na@x.example,r1,90\nb@x.example,r2,90\n", "utf-8")
    result = handshake(str(path), "--source", "crm")
    assert result.code == 0, result.err
    assert missed == ["r2"]
    assert "2 rows: routed 1, nurture 0, duplicate 1, errors 0" in result.out
    assert counts(handshake.engine)["lead"] == 2


@pytest.mark.parametrize(
    ("cards", "text"),
    [
        (0, "no new lead qualifies: no cards will be posted"),
        (1, "about 1 card; the hand-off channel gets them at about 1 a second: under a minute"),
        (
            10_000,
            "about 10000 cards; the hand-off channel gets them at about 1 a second: "
            "about 2 h 47 min",
        ),
    ],
)
def test_the_posting_estimate_reads_as_a_sentence(cards, text):
    assert importing.Estimate(cards, cards).text().startswith(text)
