"""Text helpers for Block Kit: escaping, trimming and formatting, in one place.

Every string that came from outside (lead fields, notes, names and labels from
the config) goes through `safe()` before it lands in any text object, mrkdwn or
plain_text: Slack keeps plain_text in the same escaped form and decodes the three
entities for display, so one rule covers both and no raw `<` from outside data
ever reaches a payload. `plain()` is for our own copy. Our own mrkdwn (`*bold*`,
`<@U…>` mentions) is added around already-escaped values, never escaped again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.durations import format_wait

ELLIPSIS = "…"

_ENTITIES = ("&amp;", "&lt;", "&gt;")
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def escape(text: object) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    if text is None:
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trim(text: object, limit: int) -> str:
    """Cut `text` to at most `limit` characters, ending with "…" when it was cut.

    The cut never splits an escape entity (`&amp;`, `&lt;`, `&gt;`) nor one of our
    own `<…>` tokens (mentions, links): those are dropped whole.
    """
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = limit - len(ELLIPSIS)
    kept = text[:cut]
    amp = kept.rfind("&", max(0, cut - 4))
    if amp != -1:
        for entity in _ENTITIES:
            if text.startswith(entity, amp) and amp + len(entity) > cut:
                kept = kept[:amp]
                break
    if kept.rfind("<") > kept.rfind(">"):
        kept = kept[: kept.rfind("<")]
    return kept.rstrip() + ELLIPSIS


def safe(text: object, limit: int) -> str:
    """Escape outside text for mrkdwn, then trim it to `limit` characters."""
    return trim(escape(text), limit)


def plain(text: object, limit: int) -> str:
    """Trim outside text for a plain_text object (Slack renders it literally)."""
    return trim(text, limit)


def quote(text: object, limit: int) -> str:
    """Outside text of several lines (notes) as a mrkdwn quote block, escaped and trimmed:
    every line starts with "> ", so no line of it can pass for one of the card's own
    ("*Reason:* …"). Every kind of line break counts; blank lines are dropped; "" for none.
    """
    lines = [line.rstrip() for line in escape(text).splitlines()]
    quoted = "\n".join(f"> {line}" for line in lines if line.strip())
    return trim(quoted, limit)


def duration_text(minutes: float | None) -> str:
    """Every report's and Home's durations: "<1m", "45m", "3h 20m", "4d 2h"; "—" for none.

    Under a minute is "<1m" (a 49-second decision did not take a minute); otherwise whole
    minutes, rounded, in `format_wait`'s words."""
    if minutes is None:
        return "—"
    if minutes < 1:
        return "<1m"
    return format_wait(timedelta(minutes=round(minutes)))


def plural(count: int, noun: str, many: str | None = None) -> str:
    """ "1 meeting", "2 meetings", "0 meetings"; `many` for irregular nouns."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def one_line(text: object) -> str:
    """Collapse whitespace, for headers, labels and list items."""
    return " ".join(("" if text is None else str(text)).split())


def is_user_id(slack_id: object) -> bool:
    return isinstance(slack_id, str) and bool(_SLACK_USER_ID.match(slack_id))


def mention(slack_id: object, fallback: object = None) -> str:
    """`<@U…>` for a well-formed user ID; otherwise the escaped fallback (or the ID)."""
    if is_user_id(slack_id):
        return f"<@{slack_id}>"
    return escape(one_line(fallback if fallback else slack_id))


def _zone(tz_name: object) -> ZoneInfo:
    if isinstance(tz_name, str) and tz_name:
        try:
            return ZoneInfo(tz_name)
        except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
            pass
    return ZoneInfo("UTC")


READERS = "readers:"  # the prefix `for_readers()` puts on a zone name


def for_readers(fallback_tz: str | None) -> str:
    """The "time zone" of text that more than one person reads (the channel card, the
    digest): `format_when` then writes Slack's date token, so each reader sees their own
    time, with `fallback_tz` for the fallback text. Pass it wherever a zone name goes."""
    return f"{READERS}{fallback_tz or 'UTC'}"


def reader_time(dt: datetime, fallback_tz: str | None) -> str:
    """Slack's date token for `dt`, `<!date^UNIX^{date_short_pretty} at {time}|fallback>`:
    Slack shows it in each reader's own zone; clients that can't show the fallback text,
    "Tue 24 Nov 2026, 14:30 EST", which names its zone."""
    fallback = format_when(dt, fallback_tz)
    aware = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt
    try:
        stamp = int(aware.timestamp())
    except (OverflowError, OSError, ValueError):
        return fallback
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{fallback}>"


def format_when(dt: datetime | None, tz_name: str | None) -> str:
    """A naive-UTC (or aware) datetime shown in `tz_name`: "Tue 24 Nov 2026, 14:30 EST".

    An unknown or empty time zone falls back to UTC; no datetime gives "—". A zone made by
    `for_readers()` gives Slack's date token instead (`reader_time`).
    """
    if not isinstance(dt, datetime):
        return "—"
    if isinstance(tz_name, str) and tz_name.startswith(READERS):
        return reader_time(dt, tz_name[len(READERS) :])
    aware = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt
    try:
        local = aware.astimezone(_zone(tz_name))
    except OverflowError:  # year 1 or 9999 pushed past the calendar's edge
        local = aware.astimezone(UTC)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def format_date(value: date | datetime | str | None) -> str:
    """A calendar date as ISO "2026-10-01"; "—" when there is none."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            return safe(one_line(value), 40)
    return "—"
