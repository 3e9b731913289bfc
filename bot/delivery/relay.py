"""The delivery process's side of its pipe to `serve` (HANDSHAKE_DELIVERY=process).

One JSON object per line on the child's stdout, read by `bot.delivery.child`:

- `{"metric": NAME, "labels": [...], "inc": N}` or `{…, "observe": SECONDS}`: a counter
  moved or a histogram observed in the child, applied to the parent's own `Metrics`, so
  `GET /metrics` keeps showing delivery attempts, delivery latency and 429s;
- `{"problem": TEXT or null}`: what keeps the background work from running (a lane that
  crashed or stopped coming round), for the parent's `/readyz`; null when all is well.

Only the metrics named in `RELAYED` cross; anything else on the pipe is ignored.
"""

from __future__ import annotations

import json
import threading
from typing import IO, Any

from bot.observability.metrics import Metrics

RELAYED = ("delivery_attempts", "delivery_seconds", "rate_limited")


class _Labelled:
    def __init__(self, relay: Relay, name: str, labels: tuple[str, ...]) -> None:
        self._relay, self._name, self._labels = relay, name, labels

    def inc(self, amount: float = 1) -> None:
        self._relay.send({"metric": self._name, "labels": self._labels, "inc": amount})

    def observe(self, value: float) -> None:
        self._relay.send({"metric": self._name, "labels": self._labels, "observe": value})


class _Family:
    def __init__(self, relay: Relay, name: str) -> None:
        self._relay, self._name = relay, name

    def labels(self, *values: str) -> _Labelled:
        return _Labelled(self._relay, self._name, tuple(str(v) for v in values))


class Relay:
    """The child's writer: whole lines, one thread at a time, flushed at once."""

    def __init__(self, out: IO[str]) -> None:
        self._out, self._lock = out, threading.Lock()
        self.broken = False

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, separators=(",", ":")) + "\n"
        with self._lock:
            if self.broken:
                return
            try:
                self._out.write(line)
                self._out.flush()
            except (BrokenPipeError, ValueError, OSError):
                self.broken = True  # the parent is gone: the stdin watcher ends the process


class RelayedMetrics(Metrics):
    """`Metrics` whose delivery families are sent to the parent instead of kept here."""

    def __init__(self, relay: Relay) -> None:
        super().__init__()
        for name in RELAYED:
            setattr(self, name, _Family(relay, name))


def parse(line: str) -> dict[str, Any] | None:
    """One line from the child, or None if it is not one of ours."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def apply_metric(message: dict[str, Any], metrics: Metrics) -> bool:
    """Move the parent's counter or histogram as the child did; False if not a metric."""
    name, labels = message.get("metric"), message.get("labels")
    if name not in RELAYED or not isinstance(labels, list):
        return False
    move, amount = next(((k, message[k]) for k in ("inc", "observe") if k in message), ("", None))
    if not isinstance(amount, int | float) or (move == "inc" and amount < 0):
        return False
    try:
        child = getattr(metrics, name).labels(*[str(v) for v in labels])
    except ValueError:  # a wrong label count: nothing was created
        return False
    if move == "inc":
        child.inc(amount)
    else:
        child.observe(amount)
    return True
