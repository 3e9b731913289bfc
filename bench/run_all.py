"""Every performance figure of the issue-12 table, each with its baseline, in one go.

    python bench/run_all.py              # all of them, then the table into bench/README.md
    python bench/run_all.py --no-write   # print the table only
    python bench/run_all.py --delivery thread   # serve's lanes on its threads (default: process)

Each bench runs in a process of its own (`python bench/<name>.py`, one after the other, so
that they do not disturb each other) and prints `RESULT {json}`, its `main()`'s figures,
as its last line. The table is written between the `run_all` markers of bench/README.md.
A bench that fails leaves its rows marked as failed; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
README = BENCH / "README.md"
BEGIN, END = "<!-- run_all: begin -->", "<!-- run_all: end -->"

Row = tuple[str, str, str, str, str]  # figure, Handshake, baseline or bound, ratio, target


@dataclass(frozen=True)
class Bench:
    script: str
    argv: list[str]
    rows: Callable[[dict[str, Any]], list[Row]]


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def intake_rows(r: dict[str, Any]) -> list[Row]:
    sqlite = r["sqlite"]
    mine, base = sqlite["intake"], sqlite["baseline"]
    ok = mine["per_s"] >= 1000 and mine["p99_ms"] <= 100 and sqlite["ratio"] >= 0.5
    return [
        (
            "intake, SQLite, 16 clients",
            f"{mine['per_s']:,.0f} leads/s, p99 {mine['p99_ms']:.0f} ms",
            f"{base['per_s']:,.0f} rows/s, p99 {base['p99_ms']:.0f} ms (one-row insert)",
            f"{sqlite['ratio']:.2f}×",
            f"≥ 1,000/s, p99 ≤ 100 ms, ≥ 0.5×: {_met(ok)}",
        )
    ]


def scale_rows(r: dict[str, Any]) -> list[Row]:
    pg = r["postgres"]
    one, two = pg["intake"], pg["intake_x2"]
    return [
        (
            "intake, PostgreSQL, two instances vs one",
            f"{two['per_s']:,.0f} vs {one['per_s']:,.0f} leads/s",
            f"{pg['baseline']['per_s']:,.0f} rows/s (one-row insert); this machine's "
            f"ceiling {pg['scale_ceiling']:.2f}× (one instance keeps it "
            f"{one['cpu']['machine_busy']:.0%} busy)",
            f"{pg['scale']:.2f}×",
            f"≥ 1.6×: {_met(pg['scale'] >= 1.6)}",
        )
    ]


def ack_rows(r: dict[str, Any]) -> list[Row]:
    return [
        (
            "Accept click ack under delivery load",
            f"p50 {r['handshake_p50_ms']:.0f} ms, p99 {r['handshake_p99_ms']:.0f} ms",
            f"p50 {r['baseline_p50_ms']:.0f} ms, p99 {r['baseline_p99_ms']:.0f} ms (bare Bolt)",
            f"{r['ratio_p99']:.2f}× (p99)",
            f"≤ {r['target_ratio_p99']}×: {_met(r['ratio_p99'] <= r['target_ratio_p99'])}"
            + ("" if r["exactly_once"] else "; **a click was not recorded exactly once**"),
        )
    ]


def burst_rows(r: dict[str, Any]) -> list[Row]:
    return [
        (
            f"burst of {r['leads']} leads for {r['owners']} owners: all DMs posted",
            f"{r['dms_s']:.1f} s",
            f"{r['dms_bound_s']:.1f} s (Slack's bound)",
            f"{r['dms_ratio']:.2f}×",
            f"≤ 1.2×: {_met(r['dms_ratio'] <= 1.2)}",
        ),
        (
            "same burst: all hand-off channel cards posted",
            f"{r['channel_s']:.1f} s",
            f"{r['channel_bound_s']:.1f} s (Slack's bound)",
            f"{r['channel_ratio']:.2f}×",
            f"≤ 1.1×: {_met(r['channel_ratio'] <= 1.1)}",
        ),
    ]


def latency_rows(r: dict[str, Any]) -> list[Row]:
    return [
        (
            f"intake answer → DM posted, {r['rate_per_s']:g} leads/s, channel saturated",
            f"p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms",
            f"{r['target_p99_ms']:.0f} ms (300 ms + Slack's latency)",
            f"{r['p99_ratio_to_target']:.2f}×",
            f"p99 ≤ target: {_met(r['p99_ratio_to_target'] <= 1)}",
        )
    ]


BENCHES = [
    Bench("intake.py", ["--backend", "sqlite"], intake_rows),
    Bench("click_ack.py", [], ack_rows),
    Bench("burst.py", [], burst_rows),
    Bench("latency.py", [], latency_rows),
    Bench("intake.py", ["--backend", "postgres", "--instances", "2"], scale_rows),
]


def run(bench: Bench) -> tuple[dict[str, Any] | None, float]:
    """The bench's figures (None when it failed) and how long it took."""
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = [{str(BENCH / bench.script)!r}, *{bench.argv!r}]\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(BENCH)!r}]\n"
        f"module = runpy.run_path({str(BENCH / bench.script)!r}, run_name='__bench__')\n"
        "print('RESULT ' + json.dumps(module['main'](sys.argv[1:])), flush=True)\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    took = time.monotonic() - started
    print(done.stdout, end="")
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(f"run_all: {bench.script} {' '.join(bench.argv)} failed ({done.returncode})")
        return None, took
    return json.loads(lines[-1].removeprefix("RESULT ")), took


def table(rows: list[Row], took: float, delivery: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"Measured by `python bench/run_all.py --delivery {delivery}` on {when}, "
        f"{platform.machine()}, Python {platform.python_version()}, in {took / 60:.1f} min "
        f"(`HANDSHAKE_DELIVERY={delivery}`); each figure and its baseline or bound come from "
        "the same run.\n\n"
        "| figure | Handshake | baseline or bound | ratio | target |\n|---|---|---|---|---|\n"
    )
    return head + "".join(f"| {' | '.join(row)} |\n" for row in rows)


def write(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text}{END}"
    if BEGIN in readme and END in readme:
        before, rest = readme.split(BEGIN, 1)
        readme = before + block + rest.split(END, 1)[1]
    else:
        readme = readme.rstrip("\n") + f"\n\n## All figures (`run_all.py`)\n\n{block}\n"
    README.write_text(readme, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, leave README alone")
    parser.add_argument(
        "--delivery",
        choices=["process", "thread"],
        default="process",
        help="HANDSHAKE_DELIVERY of every serve the benches start (default: process, as the "
        "image runs it)",
    )
    args = parser.parse_args(argv)
    os.environ["HANDSHAKE_DELIVERY"] = args.delivery  # the benches' serve processes inherit it
    started = time.monotonic()
    rows: list[Row] = []
    failed = False
    for bench in BENCHES:
        figures, took = run(bench)
        print(f"run_all: {bench.script} {' '.join(bench.argv)} took {took:.0f} s")
        if figures is None:
            failed = True
            rows.append((f"{bench.script} {' '.join(bench.argv)}", "failed", "", "", ""))
        else:
            rows += bench.rows(figures)
    text = table(rows, time.monotonic() - started, args.delivery)
    print(text)
    if not args.no_write:
        write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
