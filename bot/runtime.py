"""What every listener and job needs, handed down explicitly (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from bot.clock import Clock, utcnow
from bot.config import HandshakeConfig
from bot.foreground import Foreground


def _nothing() -> None:
    return None


@dataclass
class Runtime:
    engine: Engine
    config: HandshakeConfig
    clock: Clock = utcnow
    wake: Callable[[], None] = field(default=_nothing)  # nudges the delivery worker after a commit
    foreground: Foreground = field(default_factory=Foreground)  # Slack's requests go first

    def name_of(self, slack_id: str | None) -> str:
        if slack_id is None:
            return "someone"
        person = self.config.person(slack_id)
        return person.name if person else slack_id
