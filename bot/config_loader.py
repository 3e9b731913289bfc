"""Reading the YAML config file, strictly: a file-level problem is one line naming the file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config_errors import ConfigError, kind_of


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f'duplicate key "{key_node.value}"', key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def read_config_file(path: str | Path) -> Mapping[str, Any]:
    """The file's top-level mapping, not yet validated.

    Raises ConfigError with `.path` set and one line naming the file when the file is
    missing, unreadable, not YAML, empty, or not a mapping.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{name}: config file not found"], name) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError([f"{name}: cannot read the config file ({reason})"], name) from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{name}: not valid YAML: {where}{problem}"], name) from None
    if data is None:
        expected = "expected keys like handoff_channel, people, teams, contract"
        raise ConfigError([f"{name}: the file is empty; {expected}"], name)
    if not isinstance(data, Mapping):
        expected = "should be a mapping of keys (handoff_channel: …, people: …)"
        raise ConfigError([f"{name}: the top level {expected}, not {kind_of(data)}"], name)
    return data
