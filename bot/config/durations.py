"""Human durations for the config: "30s", "15m", "4h", "2d", "1h30m" (and back)."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
# Units largest first, each at most once, optional spaces between parts ("1h 30m").
_DURATION = re.compile(r"(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?")
_EXAMPLES = "30s, 15m, 4h, 2d"


def parse_duration(text: str) -> timedelta:
    """Parse "30s", "15m", "4h", "2d" or a combination like "1h30m" / "1d 4h".

    Whole numbers only, units d, h, m, s from largest to smallest. Raises ValueError
    (with a message fit to show a user) for anything else, including zero.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        raise ValueError(f"a duration is required, like {_EXAMPLES}")
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a duration like {_EXAMPLES} (a number and a unit)")
    cleaned = text.strip()
    match = _DURATION.fullmatch(cleaned)
    if match is None or not any(match.groups()):
        raise ValueError(f'"{text}" is not a duration like {_EXAMPLES}{_hint(cleaned)}')
    seconds = sum(
        int(value) * size
        for value, (_, size) in zip(match.groups(), _UNITS, strict=True)
        if value is not None
    )
    if seconds == 0:
        raise ValueError(f'"{text}" is zero; a duration must be longer than that, like {_EXAMPLES}')
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f'"{text}" is too long for a duration') from None


def _hint(text: str) -> str:
    if text.startswith("-"):
        return "; it cannot be negative"
    if "." in text or "," in text:
        return "; use whole numbers (90m, not 1.5h)"
    if text.isdigit():
        return "; add a unit: s, m, h or d"
    return ""


def format_duration(td: timedelta) -> str:
    """Compact form: "1h 30m", "2d", "45s" (parse_duration reads it back). Drops fractions."""
    total = int(td.total_seconds())
    if total < 0:
        return "-" + format_duration(-td)
    parts = []
    for unit, size in _UNITS:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "0s"


def format_wait(td: timedelta) -> str:
    """How long someone waited, as people say it: "45m", "4h", "24h 30m", then "3d 2h"."""
    minutes = int(td.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    hours, rest = divmod(minutes, 60)
    if hours < 72:
        return f"{hours}h" + (f" {rest}m" if rest else "")
    days, hours = divmod(hours, 24)
    return f"{days}d" + (f" {hours}h" if hours else "")
