"""What every listener and job needs, handed down explicitly (no globals)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.clock import Clock, utcnow
from bot.config import HandshakeConfig
from bot.foreground import Foreground
from bot.observability.metrics import Metrics
from bot.observability.readiness import Readiness


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    engine: Engine
    config: HandshakeConfig
    clock: Clock = utcnow
    wake: Callable[[], None] = field(default=_nothing)  # nudges the delivery worker after a commit
    foreground: Foreground = field(default_factory=Foreground)  # Slack's requests go first
    # Called with the new config after `swap_config` (serve: the delivery workers' copies).
    on_config: list[Callable[[HandshakeConfig], None]] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)  # this process's /metrics registry
    readiness: Readiness = field(default_factory=Readiness)  # what /readyz asks
    # serve with its delivery process: one-click buttons' work goes there (handlers/later.py)
    defer_clicks: bool = False
    _swapping: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def swap_config(self, new: HandshakeConfig) -> HandshakeConfig:
        """Put `new` in force; returns the config it replaced. The swap is one attribute
        assignment (atomic): a request or job reads `runtime.config` once and keeps that
        config to its end, so it sees the old config or the new one, never a mix. The lock
        keeps two reloads from interleaving their swap and its listeners."""
        with self._swapping:
            old, self.config = self.config, new
            for listener in self.on_config:
                listener(new)
            return old

    def name_of(self, slack_id: str | None) -> str:
        if slack_id is None:
            return "someone"
        person = self.config.person(slack_id)
        return person.name if person else slack_id
