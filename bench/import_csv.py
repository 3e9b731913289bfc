"""`handshake import` at scale: a generated CSV of 100,000 leads imported on SQLite.

    python bench/import_csv.py [--rows 100000] [--batch 200]

Writes a CSV the way a CRM exports one (BOM, semicolons, CRM column names, a quoted
newline in some notes): three rows in four qualify (score 80), one in four stays in
nurture (score 20), one in a hundred has a bad email, one in fifty names a CRM owner, and
countries alternate between the US and Germany (the test roster's two teams). It then runs
what `handshake import` runs (read, map, validate every row, the Slack posting estimate,
then the import in checkpointed batches through `bot.intake.service.ingest_in`) into a
fresh SQLite file, and checks the totals.

Baseline, in the same run: the same rows inserted into a second fresh file as plain `lead`
rows, in batches of the same size, one transaction each: no validation, no
de-duplication, no qualification, no routing, no hand-offs, timers, events or outbox rows.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import _common as common  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.intake import csv_import, importing  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.server import seeds  # noqa: E402
from storage.models import Lead  # noqa: E402
from tests import factories as f  # noqa: E402

HEADER = ["Record ID", "Email", "First Name", "Last Name", "Company", "Website"]
HEADER += ["Lead Score", "Country", "Lead Owner", "Notes"]


def write_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            email = f"lead{i}@co{i % 5000}.example" if i % 100 else f"lead{i}-at-nowhere"
            writer.writerow(
                [
                    f"rec-{i}",
                    email,
                    "Jordan",
                    f"Lee {i}",
                    f"Company {i % 5000}",
                    f"https://www.co{i % 5000}.example/",
                    80 if i % 4 else 20,
                    "US" if i % 2 else "DE",
                    "ben@example.com" if i % 50 == 7 else "",
                    "Met at the booth\nwants a call" if i % 10 == 3 else "",
                ]
            )


def import_it(path: Path, url: str, batch: int) -> dict[str, Any]:
    config = parse_config(f.config_data())
    with common.bench_engine(url, config) as engine:
        runtime = Runtime(engine=engine, config=config, clock=lambda: datetime.now(UTC))

        def read() -> list[importing.Prepared]:
            data = csv_import.read_csv(path)
            return importing.prepare(data, csv_import.map_columns(data.header), "bench")

        prepared, read_s = common.stopwatch(read)
        data = csv_import.read_csv(path)
        guess, estimate_s = common.stopwatch(
            lambda: importing.estimate(prepared, source="bench", runtime=runtime)
        )
        report, run_s = common.stopwatch(
            lambda: importing.run_import(
                prepared,
                data,
                file_name=path.name,
                source="bench",
                runtime=runtime,
                roster=seeds(config),
                batch_rows=batch,
            )
        )
    return {
        "read_s": read_s,
        "estimate_s": estimate_s,
        "run_s": run_s,
        "cards": guess.cards,
        "posting": importing.posting_time(guess.seconds),
        "totals": report.totals,
    }


def baseline(path: Path, url: str, batch: int) -> float:
    config = parse_config(f.config_data())
    with common.bench_engine(url, config) as engine:

        def insert_all() -> None:
            now = datetime.now(UTC)
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle, delimiter=";")
                next(reader)
                rows = [_plain(cells, now) for cells in reader]
            for start in range(0, len(rows), batch):
                with engine.begin() as conn:
                    common.insert(conn, Lead, rows[start : start + batch])

        return common.stopwatch(insert_all)[1]


def _plain(cells: list[str], now: datetime) -> dict[str, Any]:
    return {
        "source": "bench",
        "external_id": cells[0],
        "email": cells[1],
        "first_name": cells[2],
        "last_name": cells[3],
        "company": cells[4],
        "company_domain": cells[5],
        "score": float(cells[6]),
        "country": cells[7],
        "owner_email": cells[8] or None,
        "notes": cells[9] or None,
        "status": "nurture",
        "created_at": now,
        "updated_at": now,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=importing.BATCH_ROWS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handshake-bench-") as tmp:
        path = Path(tmp) / "leads.csv"
        write_file(path, args.rows)
        with common.sqlite_url() as url:
            result = import_it(path, url, args.batch)
        with common.sqlite_url() as url:
            plain_s = baseline(path, url, args.batch)
    total = result["read_s"] + result["estimate_s"] + result["run_s"]
    totals = result["totals"]
    common.print_table(
        "what | time | rows/s",
        [
            f"import: read, map, validate | {result['read_s']:.1f} s | "
            f"{args.rows / result['read_s']:,.0f}",
            f"import: posting estimate | {result['estimate_s']:.1f} s | "
            f"{args.rows / result['estimate_s']:,.0f}",
            f"import: intake, batches of {args.batch} | {result['run_s']:.1f} s | "
            f"{args.rows / result['run_s']:,.0f}",
            f"**import, total** | **{total:.1f} s** | **{args.rows / total:,.0f}**",
            f"baseline: plain lead rows | {plain_s:.1f} s | {args.rows / plain_s:,.0f}",
            f"ratio import / baseline | {total / plain_s:.0f}x |",
        ],
    )
    print(f"\ntotals: {totals.text()}")
    print(f"estimate: about {result['cards']} cards, posted over about {result['posting']}")
    expected_errors = len(range(0, args.rows, 100))
    if totals.errors != expected_errors or totals.routed + totals.nurture == 0:
        print(f"unexpected totals (errors should be {expected_errors})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
