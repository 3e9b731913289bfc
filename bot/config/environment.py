"""Secrets come from the environment, never from the YAML (which is reviewed like code): the
config names an environment variable (`*_env`), and a variable that is named but not set is
a config problem at that key.

`parse_config(data, environ=…)` passes the environment to validation as pydantic context
(`{"environ": mapping}`); a model validated without it reads `os.environ`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo

from bot.config.errors import Problem

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _env_name(value: str) -> str:
    if not _ENV_NAME.fullmatch(value):
        raise ValueError(
            f'"{value}" is not an environment variable name; expected one like '
            "HANDSHAKE_WEBHOOK_SECRET (letters, digits and _)"
        )
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


def environment(info: ValidationInfo) -> Mapping[str, str]:
    """The environment this validation reads secrets from."""
    context = info.context if isinstance(info.context, Mapping) else {}
    environ = context.get("environ")
    return environ if isinstance(environ, Mapping) else os.environ


def unset_message(name: str) -> str:
    return f"the environment variable {name} is not set (secrets live in the environment)"


def unset_problems(model: object, keys: tuple[str, ...], info: ValidationInfo) -> list[Problem]:
    """A problem at each of `keys` (a model's `*_env` fields) whose variable is not set."""
    environ = environment(info)
    return [
        ((key,), unset_message(name))
        for key in keys
        if not (environ.get(name := getattr(model, key)) or "").strip()
    ]
