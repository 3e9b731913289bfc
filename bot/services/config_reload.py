"""Reloading the config without a restart (issue 14 §4): `SIGHUP` to `handshake serve`, or
`handshake reload`, which sends it.

A reload reads the file again and validates it whole. A bad file is refused, its problems
listed, and the config in force stays. A good one loads the roster into the database (as a
start does) and then replaces the config in one assignment (`Runtime.swap_config`); every
request and job reads `runtime.config` once when it starts, so it runs on the old config or
the new one, never a mix. Then the contract is recorded: if it differs from the last one
recorded, a `contract_changed` event and one channel post (bot/services/contract_log.py).

After each attempt serve writes the outcome next to its pid file (`<pid file>.reload.json`:
a counter, applied or not, the problems, the contract version) for `handshake reload` to
print.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, load_config
from bot.runtime import Runtime
from bot.services.contract_log import record_contract
from bot.services.roster_lookup import resolve_people, seeds
from storage.db import unit_of_work
from storage.migrate import lock_setup
from storage.people import sync_people

if TYPE_CHECKING:
    from slack_sdk import WebClient

__all__ = ["ReloadOutcome", "reload_config", "seeds", "signal_serve", "write_status"]

log = logging.getLogger("handshake.reload")


@dataclass(frozen=True)
class ReloadOutcome:
    applied: bool
    problems: list[str] = field(default_factory=list)
    version: str = ""  # the contract version in force afterwards
    contract_changed: bool = False


def reload_config(
    runtime: Runtime,
    path: str | Path,
    *,
    environ: Mapping[str, str] | None = None,
    client: WebClient | None = None,
) -> ReloadOutcome:
    """Read, validate and put in force the config at `path`; a bad one changes nothing.
    People given by email are looked up with `client` (bot/services/roster_lookup.py)."""
    try:
        new = load_config(path, environ=environ)
        new = resolve_people(new, client=client, engine=runtime.engine)
    except ConfigError as exc:
        log.error("config reload refused, the config in force stays: %s", "; ".join(exc.problems))
        return ReloadOutcome(False, list(exc.problems), runtime.config.contract.version)
    with unit_of_work(runtime.engine) as session:
        lock_setup(session.connection())
        sync_people(seeds(new), session=session)
    runtime.swap_config(new)
    changed = record_contract(runtime)
    log.info("config reloaded from %s (contract %s)", path, new.contract.version)
    return ReloadOutcome(True, [], new.contract.version, changed)


def follow_reload(runtime: Runtime, path: str | Path, client: WebClient | None = None) -> None:
    """The delivery process's reload (HANDSHAKE_DELIVERY=process), on the signal `serve`
    forwards once its own reload is applied: `serve` validated the file, synced the roster
    and recorded the contract; this puts the same file in force here."""
    try:
        new = resolve_people(load_config(path), client=client, engine=runtime.engine)
    except ConfigError as exc:
        log.error("config reload refused, the config in force stays: %s", "; ".join(exc.problems))
        return
    runtime.swap_config(new)
    log.info("config reloaded from %s (contract %s)", path, new.contract.version)


# --- the pid file and the outcome file, between serve and `handshake reload` ---------------


def status_path(pid_file: str | Path) -> Path:
    return Path(f"{pid_file}.reload.json")


def read_status(pid_file: str | Path) -> dict[str, object]:
    try:
        data = json.loads(status_path(pid_file).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(pid_file: str | Path, outcome: ReloadOutcome) -> None:
    before = read_status(pid_file)
    seq = before.get("seq") if isinstance(before.get("seq"), int) else 0
    data = {"seq": int(seq) + 1, "pid": os.getpid(), **asdict(outcome)}  # type: ignore[call-overload]
    path = status_path(pid_file)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data))
    temporary.replace(path)  # atomic: the reader sees the old outcome or the new one


def _is_serve(pid: int) -> bool:
    """The process is a `handshake serve` (or `python -m bot.cli serve`), not another that
    was given the pid of a serve killed without removing its pid file. Where /proc cannot
    tell (not Linux), the pid is trusted, as before."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:  # no such process (signalling it says so), or no /proc to read
        return True
    words = [Path(a.decode(errors="replace")).name for a in argv if a]
    named = any("handshake" in w for w in words) or "bot.cli" in words  # or python -m bot.cli
    return "serve" in words and named


def signal_serve(pid_file: str | Path, *, wait_s: float = 10.0) -> dict[str, object] | str:
    """`handshake reload`: SIGHUP to the process named in the pid file, then wait for its
    outcome. Returns the outcome (a dict) or why there is none (a sentence)."""
    import signal
    import time

    try:
        pid = int(Path(pid_file).read_text().strip())
    except (OSError, ValueError):
        return f"no running serve: cannot read a process id from {pid_file}"
    if not _is_serve(pid):
        return (
            f"process {pid} (from {pid_file}) is not handshake serve: a pid file left by a "
            "serve that was killed; start serve again, or remove the file"
        )
    before = read_status(pid_file).get("seq", 0)
    try:
        os.kill(pid, signal.SIGHUP)
    except ProcessLookupError:
        return f"no process {pid} (from {pid_file}): is serve running?"
    except PermissionError:
        return f"not allowed to signal process {pid}: run as the user that runs serve"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        status = read_status(pid_file)
        if status.get("pid") == pid and status.get("seq", 0) != before:
            return status
        time.sleep(0.1)
    return f"sent SIGHUP to {pid}; no answer within {wait_s:g} s: see serve's log"
