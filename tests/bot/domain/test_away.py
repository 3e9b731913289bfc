"""What a Slack status counts as away, its expiration, and which deadlines an absence
strands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config.routing import DEFAULT_AWAY_EMOJI, DEFAULT_AWAY_TEXT
from bot.domain.away import status_says_away, status_until, strands

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("emoji", "text", "away"),
    [
        (":palm_tree:", "", True),
        (":face_with_thermometer:", "", True),
        ("", "OOO until Monday", True),
        ("", "out of office", True),
        (":calendar:", "On VACATION", True),
        ("", "ooo", True),
        (":calendar:", "In a meeting", False),
        ("", "", False),
        (None, None, False),
        (":palm_tree_2:", "", False),
        ("", "Focusing", False),
    ],
)
def test_a_status_says_away_by_its_emoji_or_its_text(emoji, text, away):
    says = status_says_away(emoji, text, emojis=DEFAULT_AWAY_EMOJI, texts=DEFAULT_AWAY_TEXT)
    assert says is away


def test_the_words_are_configurable():
    assert status_says_away("", "En congé", emojis=[], texts=["congé"])
    assert not status_says_away(":palm_tree:", "OOO", emojis=[":sun:"], texts=["congé"])
    assert not status_says_away("", "anything", emojis=[], texts=["", " "])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, None),
        (-5, None),
        ("1796000000", None),
        (True, None),
        (None, None),
        (1796000000, datetime.fromtimestamp(1796000000, UTC)),
        (10**12, None),
    ],
)
def test_status_expiration(raw, expected):
    assert status_until(raw) == expected


def test_a_deadline_strands_only_before_the_absence_ends():
    assert strands(NOW, NOW + timedelta(hours=1))
    assert not strands(NOW + timedelta(hours=2), NOW + timedelta(hours=1))
    assert strands(NOW + timedelta(days=900), None)
    assert not strands(None, None)
