"""`serve`'s side of the delivery process (HANDSHAKE_DELIVERY=process).

The background work (the delivery lanes, the SLA tick, the digest, housekeeping) runs in a
child process, `handshake deliver`, so that the web process's interpreter answers Slack's
requests and intake alone. The database stays the truth: every row the child sends was
committed by someone, and the child finds due rows on its own every tick. The pipe only
makes it quicker:

- the child's stdin: one byte per wake (a commit queued work); closed, the child stops;
- the child's stdout: its relayed metrics and its problems (`bot.delivery.relay`);
- its stderr: the parent's, so its log lines go where the parent's go.

The child dies with the parent: it stops when its stdin closes, and on Linux it also gets
SIGTERM from the kernel when the parent dies (`PR_SET_PDEATHSIG`), even on `kill -9`.
A child that dies is started again (after 1 s, doubling up to a minute while it keeps
dying young), as the same delivery holder (`HOLDER_ENV`): the routes its predecessor held
are its own, and it takes back at once the rows its predecessor left in flight. `/readyz`
fails while no child runs or the child reports a problem.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import IO

from bot.delivery import relay
from bot.observability.metrics import Metrics
from bot.settings import SettingsError

log = logging.getLogger("handshake.delivery")
PR_SET_PDEATHSIG = 1
RESTART_FIRST, RESTART_CAP = 1.0, 60.0  # seconds before a dead child is started again
RESTART_SETTLED = 60.0  # a child that ran this long starts the back-off afresh


PARENT_ENV = "HANDSHAKE_DELIVERY_PARENT"  # the parent's pid, for the child to check
# The delivery holder every child of one `serve` runs as: one child runs at a time (the
# next starts once the last has exited), so a child takes over its predecessor's routes and
# takes back the rows it left in flight at once (`DeliveryWorker.take_back`).
HOLDER_ENV = "HANDSHAKE_DELIVERY_HOLDER"
_HOLDER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def holder_from_parent() -> str | None:
    """In the child: the holder its parent gave it (None: not started by `serve`). Anything
    but 1 to 64 letters, digits, `-` or `_` is refused (it names rows in the database)."""
    holder = os.environ.get(HOLDER_ENV)
    if not holder:
        return None
    if not _HOLDER.fullmatch(holder):
        raise SettingsError(
            [f"{HOLDER_ENV}: 1 to 64 letters, digits, - or _ (serve sets it; leave it unset)"]
        )
    return holder


def die_with_parent() -> bool:
    """In the child: ask the kernel for SIGTERM when the parent dies; False if the parent
    is already gone (it died before this ran)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: stdin's end still stops it
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    expected = os.environ.get(PARENT_ENV)
    return expected is None or str(os.getppid()) == expected


class DeliveryProcess:
    def __init__(
        self, metrics: Metrics, *, environ: dict[str, str], argv: list[str] | None = None
    ) -> None:
        self.metrics, self.environ = metrics, environ
        self.argv = argv or [sys.executable, "-m", "bot.cli", "deliver"]
        self.proc: subprocess.Popen[bytes] | None = None
        self._problem: str | None = "the delivery process has not reported yet"
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._started_at = 0.0
        self._restart_delay = RESTART_FIRST
        self._exited: int | None = None  # the last child's exit code, until the next starts
        self.holder = uuid.uuid4().hex[:16]

    @property
    def name(self) -> str:
        return "delivery_process"

    def start(self) -> None:
        threading.Thread(
            target=self._supervise, name="handshake-delivery-pipe", daemon=True
        ).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={
                **os.environ,
                **self.environ,
                PARENT_ENV: str(os.getpid()),
                HOLDER_ENV: self.holder,
            },
        )
        assert proc.stdin is not None
        os.set_blocking(proc.stdin.fileno(), False)
        with self._lock:
            self.proc, self._started_at, self._exited = proc, time.monotonic(), None
            self._problem = "the delivery process has not reported yet"
        log.info("delivery process started pid=%s", proc.pid)
        return proc

    def _supervise(self) -> None:
        """Run the child; when it ends without being asked to, start another after a
        pause that doubles while it keeps dying young (1 s up to a minute)."""
        while not self._stopping.is_set():
            proc = self._spawn()
            assert proc.stdout is not None
            self._read(proc.stdout)
            code = proc.wait()
            with self._lock:
                self._exited = code
            if self._stopping.is_set():
                return
            lived = time.monotonic() - self._started_at
            if lived > RESTART_SETTLED:
                self._restart_delay = RESTART_FIRST
            log.error(
                "the delivery process ended (code %s); starting another in %.0fs",
                code,
                self._restart_delay,
            )
            if self._stopping.wait(self._restart_delay):
                return
            self._restart_delay = min(self._restart_delay * 2, RESTART_CAP)

    def wake(self) -> None:
        """A commit queued work. A full pipe already holds a wake: nothing is lost."""
        proc = self.proc
        if proc is None or proc.stdin is None or self._stopping.is_set():
            return
        with self._lock:
            try:
                proc.stdin.write(b"w")
                proc.stdin.flush()
            except BlockingIOError:
                pass
            except (BrokenPipeError, ValueError, OSError):
                pass  # gone: /readyz says so

    def reload(self) -> None:
        """SIGHUP: the child reads the config again too."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGHUP)

    def problem(self) -> str | None:
        with self._lock:
            proc, exited, problem = self.proc, self._exited, self._problem
        if proc is None:
            return "the delivery process is not started"
        code = exited if exited is not None else proc.poll()
        if code is not None:
            return f"the delivery process exited with code {code}"
        return problem

    def stop(self, timeout: float = 15) -> None:
        self._stopping.set()
        with self._lock:
            proc = self.proc
        if proc is None:
            return
        with self._lock, contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()  # the child finishes what it holds and exits
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def _read(self, out: IO[bytes]) -> None:
        for raw in out:
            message = relay.parse(raw.decode("utf-8", "replace"))
            if message is None:
                continue
            if "problem" in message:
                problem = message["problem"]
                self._problem = str(problem) if problem else None
            else:
                relay.apply_metric(message, self.metrics)
