"""The `channel` key of the config: how the hand-off channel's card looks."""

from __future__ import annotations

from typing import Literal

from bot.config.scalars import ConfigModel

CardForm = Literal["compact", "full"]


class ChannelConfig(ConfigModel):
    """`card: compact` (the default): one header line per hand-off (status, owner, the key
    facts) with a **Details** button that opens the full card; `full`: the whole card in
    the channel. The owner's DM card is always full."""

    card: CardForm = "compact"
