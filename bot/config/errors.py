"""Config problems as "key.path: message" lines: raising them and formatting pydantic's.

Nothing here knows the config's models: `problem_lines` takes the root model, so that an
"unknown key" message can list the keys that would have been accepted.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]  # (key path relative to the model being validated, message)


class ConfigError(Exception):
    """A config that cannot be used. `problems`: one "key.path: message" line each."""

    def __init__(self, problems: list[str], path: str | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.path = path


# --- raising several problems from one validator ---------------------------------------------


def fail(problems: Iterable[Problem]) -> NoReturn:
    """Raise from a model validator with several problems, each at its own key path."""
    problems = list(problems)
    summary = "; ".join(f"{key_path(loc)}: {msg}" for loc, msg in problems)
    raise PydanticCustomError(
        "config_problems", "{summary}", {"summary": summary, "problems": problems}
    )


def fail_if(problems: list[Problem]) -> None:
    if problems:
        fail(problems)


def duplicates(key: str, values: list[str], field: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for i, value in enumerate(values):
        j = first.setdefault(value, i)
        if j != i:
            problems.append(((key, i, field), f'"{value}" is already used by {key}[{j}]'))
    return problems


def suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


# --- showing values and key paths ------------------------------------------------------------


def key_path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "config"


def show(value: object) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def kind_of(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else show(value)


# --- turning pydantic errors into lines ------------------------------------------------------


def problem_lines(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    lines = []
    for err in exc.errors(include_url=False):
        if err["type"] == "config_problems":
            ctx = err.get("ctx") or {}
            lines += [f"{key_path(err['loc'] + loc)}: {msg}" for loc, msg in ctx["problems"]]
        else:
            lines.append(f"{key_path(err['loc'])}: {_message(err, root)}")
    return lines


def _message(err: Mapping[str, Any], root: type[BaseModel]) -> str:
    """One pydantic error as a human message: what is wrong and what is expected."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        keys = _keys_at(root, err["loc"][:-1])
        hint = suggest(str(err["loc"][-1]), keys) or (f"; expected one of: {', '.join(keys)}")
        return f"unknown key{hint}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "literal_error":
        return f"{show(value)} is not allowed; expected {ctx['expected']}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "needs at least one entry"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"should be a mapping of keys, not {kind_of(value)}"
    if kind == "list_type":
        return f"should be a list, not {kind_of(value)}"
    if kind.startswith("date"):
        return f"{show(value)} is not a date; expected YYYY-MM-DD like 2026-12-25"
    message = f"{err['msg'].replace('Input should', 'should', 1)} (got {show(value)})"
    if kind == "string_type" and isinstance(value, bool):
        message += "; YAML reads unquoted yes/no/on/off as true/false, so put it in quotes"
    return message


def _keys_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model at this location accepts (for "unknown key" messages)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, str) and model is not None:
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(tp: object) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    return next((m for arg in get_args(tp) if (m := _model_in(arg))), None)
