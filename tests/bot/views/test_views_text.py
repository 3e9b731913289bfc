from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.views.text import escape, format_date, format_when, mention, plain, safe, trim

BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("AT&T", "AT&amp;T"),
        ("&amp;", "&amp;amp;"),  # outside text is escaped as is, even if it looks escaped
        ("<@U123>", "&lt;@U123&gt;"),
        (None, ""),
        (42, "42"),
    ],
)
def test_escape(raw: object, expected: str) -> None:
    assert escape(raw) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("abcdefghijk", 5, "abcd…"),
        ("abcdefghijk", 1, "…"),
        ("abcdefghijk", 0, ""),
        ("ab   cdefghijk", 5, "ab…"),  # no dangling space before the ellipsis
        ("x" * 10 + "<@U0AE00001>", 15, "x" * 10 + "…"),  # our own token is dropped whole
    ],
)
def test_trim(text: str, limit: int, expected: str) -> None:
    assert trim(text, limit) == expected


@pytest.mark.parametrize("raw", ["&" * 50, "<>" * 40, "a&b<c>d" * 20, "&<" * 30 + "tail"])
def test_safe_never_cuts_an_entity(raw: str) -> None:
    for limit in range(1, len(escape(raw)) + 2):
        out = safe(raw, limit)
        assert len(out) <= limit
        assert not BROKEN_ENTITY.search(out), (limit, out)
        assert "<" not in out and ">" not in out


def test_safe_escapes_before_trimming() -> None:
    assert safe("<b>", 100) == "&lt;b&gt;"
    assert safe("<b>" * 100, 10) == "&lt;b&gt;…"


def test_plain_only_trims() -> None:
    assert plain("Hand back", 75) == "Hand back"
    assert plain("y" * 100, 24) == "y" * 23 + "…"
    assert plain(None, 10) == ""


@pytest.mark.parametrize(
    ("slack_id", "fallback", "expected"),
    [
        ("U0AE00001", None, "<@U0AE00001>"),
        ("W0AE00001", "Ana", "<@W0AE00001>"),
        ("u0ae00001", "Ana", "Ana"),
        ("<!channel>", None, "&lt;!channel&gt;"),
        ("U0AE00001|x>", "<b>Ana</b>", "&lt;b&gt;Ana&lt;/b&gt;"),
        ("", None, ""),
        (None, "Ana & Bo", "Ana &amp; Bo"),
    ],
)
def test_mention(slack_id: object, fallback: object, expected: str) -> None:
    assert mention(slack_id, fallback) == expected


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("America/New_York", "Tue 24 Nov 2026, 14:30 EST"),
        ("America/Los_Angeles", "Tue 24 Nov 2026, 11:30 PST"),
        ("Asia/Tokyo", "Wed 25 Nov 2026, 04:30 JST"),
        ("UTC", "Tue 24 Nov 2026, 19:30 UTC"),
        ("Mars/Olympus_Mons", "Tue 24 Nov 2026, 19:30 UTC"),
        ("", "Tue 24 Nov 2026, 19:30 UTC"),
        ("../../etc/passwd", "Tue 24 Nov 2026, 19:30 UTC"),
        (None, "Tue 24 Nov 2026, 19:30 UTC"),
    ],
)
def test_format_when(tz: str | None, expected: str) -> None:
    assert format_when(datetime(2026, 11, 24, 19, 30), tz) == expected


def test_format_when_aware_and_missing() -> None:
    aware = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_when(aware, "Europe/Paris") == "Wed 1 Jul 2026, 14:00 CEST"
    assert format_when(None, "UTC") == "—"


@pytest.mark.parametrize("dt", [datetime(9999, 12, 31, 23, 59), datetime(1, 1, 1)])
@pytest.mark.parametrize("tz", ["Asia/Tokyo", "America/Los_Angeles"])
def test_format_when_at_the_calendar_edges(dt: datetime, tz: str) -> None:
    assert format_when(dt, tz)  # no OverflowError; falls back to UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 10, 1), "2026-10-01"),
        (datetime(2026, 10, 1, 23, 59), "2026-10-01"),
        ("2026-10-01", "2026-10-01"),
        ("2026-10-01T08:00:00", "2026-10-01"),
        ("<soon>", "&lt;soon&gt;"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_format_date(value: object, expected: str) -> None:
    assert format_date(value) == expected  # type: ignore[arg-type]


def test_reader_time_is_slacks_date_token_with_a_zoned_fallback() -> None:
    from bot.views.text import for_readers, reader_time

    dt = datetime(2026, 11, 24, 19, 30)  # naive UTC
    token = "<!date^1795548600^{date_short_pretty} at {time}|Tue 24 Nov 2026, 14:30 EST>"
    assert reader_time(dt, "America/New_York") == token
    assert format_when(dt, for_readers("America/New_York")) == token
    assert format_when(dt, for_readers(None)).endswith("|Tue 24 Nov 2026, 19:30 UTC>")
    assert format_when(None, for_readers("UTC")) == "—"
    assert trim(f"due {token} today", 20) == "due…"  # never cut inside the token
