"""Bounded JSON for intake: parse a body, and find values no field may hold. Pure.

Every number, string and key from outside goes through here before any field check, so
that nothing hostile (deep nesting, huge integers, non-finite numbers, lone surrogates,
NUL characters, giant keys) reaches the database or a Slack card.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 16  # levels of lists/objects inside one field
MAX_INT_DIGITS = 40
MAX_KEY_LENGTH = 100
MAX_FIELDS = 200


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True)
class Refused:
    """A JSON number the parser would not turn into a Python value."""

    reason: str


def _int(text: str) -> int | Refused:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return Refused(f"has an integer of {digits} digits; at most {MAX_INT_DIGITS} are accepted")
    return int(text)


def _float(text: str) -> float | Refused:
    value = float(text)
    return value if math.isfinite(value) else Refused("has a number too large to represent")


def _constant(name: str) -> Refused:
    return Refused(f"has {name}, which is not a JSON number")


class _RepeatedKey(ValueError):
    """One object names the same key twice: which value is meant cannot be known."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def parse_json(raw: bytes) -> tuple[Any, list[FieldError]]:
    """The parsed body and errors. No body: the errors say why. A body and errors: fields
    nested too deeply for the parser were cut out (and are named), so that the rest can
    still be checked and every other bad field named too."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [FieldError("body", f"is not valid UTF-8 (byte {exc.start})")]
    deep: list[FieldError] = []
    for _ in range(MAX_FIELDS):
        try:
            data = _loads(text)
        except _RepeatedKey as exc:
            return None, [
                FieldError(show_key(exc.key), "is given twice in one object; send it once")
            ]
        except json.JSONDecodeError as exc:
            return None, deep or [FieldError("body", f"is not valid JSON: {exc}")]
        except RecursionError:
            key, start, end = _deep_field(text)
            deep.append(FieldError(key, f"is nested more than {MAX_DEPTH} levels deep"))
            if key == "body":
                return None, deep
            text = text[:start] + "null" + text[end:]
            continue
        return data, deep
    return None, deep


def _loads(text: str) -> Any:
    return json.loads(
        text,
        parse_int=_int,
        parse_float=_float,
        parse_constant=_constant,
        object_pairs_hook=_unique,
    )


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _deep_field(text: str) -> tuple[str, int, int]:
    """The top-level key under which `text` nests too deeply ("body" if none), and the span
    of its value."""
    depth, last, top, key, start = 0, "", "", "", 0
    too_deep = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth == 1:
                top = token
            elif depth == 2:
                key, start = (last if top == "{" else ""), match.start()
            elif depth > MAX_DEPTH + 1:
                too_deep = True
        elif token in "]}":
            depth -= 1
            if depth == 1 and too_deep:
                break
        elif depth == 1:
            last = token
    if not key or not too_deep or depth != 1:
        return "body", 0, 0
    try:
        return show_key(json.loads(key)), start, match.end()
    except ValueError:
        return "body", 0, 0


def show_key(key: str) -> str:
    """A key as it can be shown in an answer: escaped and trimmed."""
    shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return shown if len(shown) <= 60 else shown[:60] + "…"


def text_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start].encode("utf-8", "backslashreplace").decode()
        return f"contains a lone UTF-16 surrogate ({bad}); text must be valid Unicode"
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    return None


def key_problem(key: str) -> str | None:
    if len(key) > MAX_KEY_LENGTH:
        return f"is a key of {len(key)} characters; at most {MAX_KEY_LENGTH} are accepted"
    problem = text_problem(key)
    return f"key {problem}" if problem else None


def hostile_fields(
    body: dict[str, Any], found: list[FieldError]
) -> tuple[list[FieldError], set[str]]:
    """Errors for values no field may hold (after those `found` by the parser), and the
    top-level keys they were found under."""
    errors = list(found)
    bad = {e.field for e in errors}
    if len(body) > MAX_FIELDS:
        errors.append(FieldError("body", f"has {len(body)} fields; at most {MAX_FIELDS}"))
    for key, value in body.items():
        problem = key_problem(key)
        found = (show_key(key), problem) if problem else _walk(value, key, 1)
        if found:
            errors.append(FieldError(*found))
            bad.add(key)
    return errors, bad


def _walk(value: Any, path: str, depth: int) -> tuple[str, str] | None:
    """The first hostile value inside `value` as (field path, message), or None."""
    if isinstance(value, Refused):
        return path, value.reason
    if isinstance(value, str):
        problem = text_problem(value)
        return (path, problem) if problem else None
    if isinstance(value, list | dict) and depth > MAX_DEPTH:
        return path, f"is nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, list):
        for i, item in enumerate(value):
            if found := _walk(item, f"{path}[{i}]", depth + 1):
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = key_problem(key)
            inner = f"{path}.{show_key(key)}"
            if found := (inner, problem) if problem else _walk(item, inner, depth + 1):
                return found
    return None
