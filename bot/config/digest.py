"""The `digest` key of the config: when the weekly digest goes to `handoff_channel`."""

from __future__ import annotations

from datetime import time

from bot.config.scalars import ClockTime, ConfigModel, WeekDay


class DigestConfig(ConfigModel):
    """Posted every week on `day` at `time`, in the config's `timezone`, covering the week
    that ends then. `enabled: false` stops the schedule; `handshake digest --now` still works."""

    enabled: bool = True
    day: WeekDay = "mon"
    time: ClockTime = time(9)
