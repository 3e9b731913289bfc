"""Reading the YAML config file, strictly: a file-level problem is one line naming the file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.config.errors import ConfigError, kind_of

MAX_DEPTH = 50  # levels of nesting; a real config needs about 5
MAX_DIGITS = 100


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last),
    nesting deeper than MAX_DEPTH and integers longer than MAX_DIGITS: each a YAML error
    with its line, never a RecursionError or a ValueError from int()."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_DEPTH} levels deep"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = len(str(node.value).lstrip("+-").replace("_", ""))
        if digits > MAX_DIGITS:
            problem = f"a number of {digits} digits is too long (at most {MAX_DIGITS})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]

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


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


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
    except RecursionError:
        raise ConfigError([f"{name}: not valid YAML: nested too deeply"], name) from None
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
