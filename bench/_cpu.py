"""Where the machine's CPU went during a measured stretch, read from /proc (Linux): the
whole machine's busy share, and the CPU time of each party (the `serve` instances, the
load, PostgreSQL's processes, everything else), in cores (1.0 = one core busy the whole
time). Benchmarks print it next to a throughput figure, so a ceiling set by the machine
(every core busy) is told apart from one set by the code.

A process's time is read in whole clock ticks (10 ms), so a party of many processes that
each work less than a tick in the window reads low: the baseline's sixteen PostgreSQL
backends show about 0. `machine_busy` comes from the machine's own counters and has no
such error.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _party(pid: str) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    line = raw.replace(b"\0", b" ").decode(errors="replace")
    if "bot.cli serve" in line or "bot.cli deliver" in line:  # and its delivery process
        return "serve"
    if "--role load" in line:
        return "load"
    if line.startswith("postgres"):
        return "postgres"
    return "other"


def _process_ticks() -> dict[str, dict[str, int]]:
    """Per party, each live process's utime + stime so far, in clock ticks."""
    parties: dict[str, dict[str, int]] = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        party = _party(pid)
        if party is not None:
            parties.setdefault(party, {})[pid] = int(fields[11]) + int(fields[12])
    return parties


def _machine_ticks() -> tuple[int, int]:
    """(all, idle) ticks of every core since boot."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in first]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values), idle


@dataclass
class CpuMark:
    at: float
    machine: tuple[int, int]
    parties: dict[str, dict[str, int]]


def mark() -> CpuMark:
    return CpuMark(time.monotonic(), _machine_ticks(), _process_ticks())


def since(start: CpuMark) -> dict[str, float]:
    """Cores used by each party since `start`, `machine_busy` (0–1 of all cores), the
    machine's `cores` and the window's `seconds`.
    A process that ended meanwhile is not counted; one that started counts from zero."""
    end = mark()
    seconds = max(end.at - start.at, 1e-9)
    used: dict[str, float] = {}
    for party, procs in end.parties.items():
        before = start.parties.get(party, {})
        ticks = sum(t - before.get(pid, 0) for pid, t in procs.items())
        used[party] = round(ticks / TICK / seconds, 2)
    total = end.machine[0] - start.machine[0]
    idle = end.machine[1] - start.machine[1]
    used["machine_busy"] = round(1 - idle / total, 2) if total else 0.0
    used["cores"] = os.cpu_count() or 1
    used["seconds"] = round(seconds, 3)
    return used
