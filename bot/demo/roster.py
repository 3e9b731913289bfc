"""The demo workspace: the config's people as sandbox users, and the hand-off channel."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config import HandshakeConfig, PersonConfig, load_config, parse_config
from bot.config.loader import read_config_file
from sandbox import SandboxState

DEMO_CONFIG = Path(__file__).with_name("handshake.demo.yml")
HANDOFF_CHANNEL_NAME = "lead-handoff"
ROLE_LABELS = {
    "ae": "AE",
    "sdr": "SDR",
    "manager": "Sales manager",
    "marketer": "Marketing",
    "admin": "RevOps admin",
}
TEAM_LABELS = {"enterprise": "Enterprise", "emea": "EMEA"}


def demo_config(
    extra: Mapping[str, Any] | None = None, *, environ: Mapping[str, str] | None = None
) -> HandshakeConfig:
    """The demo company; `extra` adds top-level keys (the `crm` and `webhooks` pointing at
    the demo's stand-ins, whose addresses are known only once they listen), and `environ`
    holds the secrets their `*_env` keys name."""
    if not extra:
        return load_config(DEMO_CONFIG, environ=environ)
    return parse_config({**read_config_file(DEMO_CONFIG), **extra}, environ=environ)


def title(person: PersonConfig) -> str:
    """The role label shown next to a name: "AE · Enterprise", "Marketing", …"""
    label = ROLE_LABELS.get(person.role, person.role)
    if person.team and person.role in ("ae", "sdr", "manager"):
        label += " · " + TEAM_LABELS.get(person.team, person.team.title())
    return label


def populate(state: SandboxState, config: HandshakeConfig) -> None:
    """Add every configured person as a user (with a role label when the sandbox takes
    one) and the hand-off channel, with the bot a member."""
    takes_title = "title" in inspect.signature(state.add_user).parameters
    for person in config.people:
        extra = {"title": title(person)} if takes_title else {}
        state.add_user(
            person.slack_id,
            person.name.split()[0].lower(),
            real_name=person.name,
            tz=person.timezone or config.timezone,
            **extra,
        )
    state.add_channel(config.handoff_channel, HANDOFF_CHANNEL_NAME)
