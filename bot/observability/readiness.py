"""`/readyz`: may this instance take traffic? The database is writable and at the newest
migration, and each registered part (the delivery threads, Socket Mode) says it is up.

The wiring registers the parts (`serve`: bot/server.py); each check answers None when
fine, else why not, in a few words an operator can act on."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine

from storage.db import ping, write_problem
from storage.migrate import migration_problem

Check = Callable[[], str | None]


class Readiness:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def add(self, name: str, check: Check) -> None:
        """Register (or replace) the check called `name`."""
        with self._lock:
            self._checks[name] = check

    def problems(self, engine: Engine) -> dict[str, str]:
        """Each check that fails, by name, with why; empty when ready. Blocking: run it
        off the event loop."""
        found = {}
        problem = database_problem(engine)
        if problem:
            found["database"] = problem
        with self._lock:
            checks = list(self._checks.items())
        for name, check in checks:
            try:
                why = check()
            except Exception as exc:  # a check that breaks says not ready, with why
                why = f"check failed: {type(exc).__name__}"
            if why:
                found[name] = why
        return found


def database_problem(engine: Engine) -> str | None:
    if not ping(engine):
        return "unreachable"
    problem = write_problem(engine)
    if problem:
        return f"cannot be written to: {problem}"
    return migration_problem(engine)
