"""A CSV file of leads: read it, map its columns onto lead fields, build each row's intake
body. Pure apart from reading the file; `bot.intake.importing` runs the import."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.intake.body import FieldError, parse_json
from bot.intake.model import LeadBody

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
FIELD_LIMIT = 1_000_000  # characters in one cell (the API's body cap is 1 MiB)

LEAD_FIELDS = (
    "external_id", "email", "first_name", "last_name", "title", "company", "company_domain",
    "country", "industry", "employees", "score", "campaign", "activities", "owner_email",
    "notes", "crm_url",
)  # fmt: skip
# Not an intake field: a CRM export's owner column holds a name ("Lead Owner: Ben Ortiz") or
# an email; a name is matched against the roster's names, and becomes that person's email.
OWNER = "owner"

# Header names as CRMs export them, compared without case, spaces or punctuation.
ALIASES = {
    "email": ("email", "emailaddress", "e-mail", "workemail"),
    "first_name": ("firstname",),
    "last_name": ("lastname",),
    "title": ("title", "jobtitle"),
    "company": ("company", "companyname", "accountname"),
    "company_domain": ("companydomain", "companydomainname", "website", "domain"),
    "country": ("country", "countryregion"),
    "industry": ("industry",),
    "employees": ("employees", "numberofemployees", "companysize", "numemployees"),
    "score": ("score", "leadscore", "hubspotscore"),
    "campaign": ("campaign", "leadsource", "originalsource"),
    "external_id": ("externalid", "recordid", "leadid", "contactid", "id"),
    "owner_email": ("owneremail", "leadowneremail", "contactowneremail"),
    "owner": ("owner", "leadowner", "contactowner", "recordowner"),
    "activities": ("activities",),
    "notes": ("notes",),
    "crm_url": ("crmurl",),
}


class CsvProblem(Exception):
    """The file cannot be imported at all (`handshake import` exits 2)."""


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file the row starts on (the header is line 1)
    cells: list[str]


@dataclass(frozen=True)
class CsvFile:
    sha256: str
    delimiter: str
    header: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class ColumnMap:
    fields: dict[int, str]  # column index → lead field
    extra: dict[int, str]  # column index → extra field name (the header as written)
    notes: list[str] = field(default_factory=list)  # what a person should know about the mapping
    header: tuple[str, ...] = ()  # the file's column names

    @property
    def email_from_external_id(self) -> bool:
        return "external_id" not in self.fields.values()


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


_BY_KEY = {_key(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_BY_KEY.update({_key(name): name for name in LEAD_FIELDS})


def read_csv(path: Path) -> CsvFile:
    """The file's rows, its delimiter sniffed among , ; tab |; a UTF-8 BOM is dropped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvProblem(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblem(
            f"{path}: is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from None
    delimiter = sniff_delimiter(text[:SNIFF_BYTES])
    limit = csv.field_size_limit()
    csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        rows: list[Row] = []
        start = 1
        for cells in reader:
            if cells and any(c.strip() for c in cells):
                if header is None:
                    header = [c.strip() for c in cells]
                else:
                    rows.append(Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvProblem(f"{path}: line {reader.line_num}: {exc}") from None
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise CsvProblem(f"{path}: is empty; expected a header row, then one row per lead")
    return CsvFile(hashlib.sha256(raw).hexdigest(), delimiter, header, rows)


def sniff_delimiter(sample: str) -> str:
    """csv.Sniffer's pick on whole lines, when the header holds it; else the candidate the
    header holds most of; else a comma."""
    if "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]  # a cut row misleads the sniffer
    header = sample.splitlines()[0] if sample else ""
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    best = max(DELIMITERS, key=header.count)
    return best if header.count(best) else ","


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """`--map column=field` options as {column: field}; an empty field drops the column."""
    overrides: dict[str, str] = {}
    for option in options:
        column, sep, name = option.partition("=")
        if not sep or not column.strip():
            raise CsvProblem(f"--map {option}: expected COLUMN=FIELD, e.g. 'Work Email=email'")
        name = name.strip()
        if name and name not in (*LEAD_FIELDS, OWNER):
            raise CsvProblem(
                f"--map {option}: {name} is not a lead field; one of {', '.join(LEAD_FIELDS)} "
                "(or nothing, to leave the column out)"
            )
        overrides[column.strip()] = name
    return overrides


def _extra_name(title: str, kept: Iterable[str]) -> str:
    """An extra field's name: its column's title, unless a lead field (the body's own keys)
    or another extra column has it; then "Phone (2)", so no cell overwrites another."""
    taken = set(kept) | set(ALIASES) | set(LeadBody.model_fields)
    name, n = title, 2
    while name in taken:
        name, n = f"{title} ({n})", n + 1
    return name


def map_columns(header: list[str], overrides: dict[str, str] | None = None) -> ColumnMap:
    """Each column's lead field: `overrides` first, then the header's name; the other
    columns are kept as extra fields. Refused when no column gives the email."""
    overrides = overrides or {}
    fields: dict[int, str] = {}
    notes: list[str] = []
    chosen: dict[int, str] = {}
    for column, name in overrides.items():
        index = _column_index(header, column)
        if index is None:
            raise CsvProblem(f"--map {column}={name}: no column is named {column!r}")
        chosen[index] = name
    taken = {name for name in chosen.values() if name}
    extra: dict[int, str] = {}
    for index, title in enumerate(header):
        if index in chosen:
            if chosen[index]:
                fields[index] = chosen[index]
            continue
        if not title:
            continue  # a column without a header holds nothing anyone named
        name = _BY_KEY.get(_key(title))
        if _key(title) == "source":
            notes.append(f"column {title!r} left out: --source names the leads' source")
        elif name and name not in taken:
            fields[index] = name
            taken.add(name)
        else:
            kept = _extra_name(title, extra.values())
            if name:
                notes.append(f"column {title!r} kept as an extra field: {name} comes from another")
            if kept != title:
                notes.append(f"column {title!r} kept as the extra field {kept!r}: name taken")
            extra[index] = kept
    if "email" not in fields.values():
        raise CsvProblem(
            "no email column: name one Email (or Email Address, E-mail), "
            "or map it with --map 'COLUMN=email'"
        )
    column_map = ColumnMap(fields, extra, notes, tuple(header))
    if column_map.email_from_external_id:
        notes.append("no external id column: each lead's external_id is its lower-cased email")
    return column_map


def _column_index(header: list[str], column: str) -> int | None:
    if column in header:
        return header.index(column)
    keys = [_key(title) for title in header]
    return keys.index(_key(column)) if _key(column) in keys else None


def row_body(
    row: Row, columns: ColumnMap, source: str, owners: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """The row as an intake body (empty cells are absent fields), with the errors found
    while parsing a JSON cell (activities). `owners`: each roster name (case-folded) → email,
    for an owner column that holds names; a name not in it is kept as an extra field, and
    routing falls through to its next rule."""
    body: dict[str, Any] = {}
    found: list[FieldError] = []
    for index, cell in enumerate(row.cells):
        value = cell.strip()
        if not value:
            continue
        if index in columns.fields and columns.fields[index] == OWNER:
            email = value if "@" in value else (owners or {}).get(value.casefold())
            if email is not None:
                body.setdefault("owner_email", email)
            else:
                body[columns.header[index]] = value
        elif index in columns.fields:
            name = columns.fields[index]
            body[name] = _field_value(name, value, found)
        elif index in columns.extra:
            body[columns.extra[index]] = value
    body["source"] = source
    if columns.email_from_external_id and isinstance(body.get("email"), str):
        body["external_id"] = body["email"].strip().lower()
    return body, found


def _field_value(name: str, value: str, found: list[FieldError]) -> Any:
    if name == "company_domain":
        return domain_of(value)
    if name == "activities":
        data, errors = parse_json(value.encode("utf-8", "surrogatepass"))
        found += [FieldError("activities", e.message) for e in errors]
        return data if data is not None else value
    return value


def domain_of(value: str) -> str:
    """A website or domain as a bare domain: no scheme, `www.`, path or port."""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip(), flags=re.IGNORECASE)
    text = re.split(r"[/?#]", text, maxsplit=1)[0].split(":")[0]
    return re.sub(r"^www\.", "", text, flags=re.IGNORECASE).lower()


def extra_cells(row: Row, header: list[str]) -> str | None:
    """Why a row cannot be read as the header says: more cells than columns."""
    if len(row.cells) > len(header) and any(c.strip() for c in row.cells[len(header) :]):
        return f"has {len(row.cells)} cells; the header has {len(header)} columns"
    return None


def errors_path(path: Path) -> Path:
    """Where a file's rejected rows go: leads.csv → leads.errors.csv."""
    return path.with_name(path.name.removesuffix(path.suffix) + ".errors.csv")


def write_errors(path: Path, csv_file: CsvFile, rejected: list[tuple[Row, str]]) -> bool:
    """The rejected rows, as they were, plus an `errors` column, in the file's own delimiter.
    No rejected rows: no file (one left by an earlier run is removed). True when written."""
    if not rejected:
        path.unlink(missing_ok=True)
        return False
    width = len(csv_file.header)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=csv_file.delimiter)
        writer.writerow([*csv_file.header, "errors"])
        for row, errors in rejected:
            writer.writerow([*row.cells, *[""] * (width - len(row.cells)), errors])
    partial.replace(path)
    return True
