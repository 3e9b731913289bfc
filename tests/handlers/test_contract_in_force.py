"""`/handshake contract` shows the definition in force, through signed slash commands to the
served bot: the "*In force*" line names the configured min_score, `contract.require` (as
written) and the signals (a `*` on one that qualifies on its own); once another config is
put in force (swapped in, or reloaded from a file) the line follows it, and a refused
reload leaves it as it was."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bot.config import HandshakeConfig, parse_config
from bot.services.config_reload import reload_config
from tests import factories as f
from tests.handlers.test_report_commands import ask

FIRST = {
    "version": "2026-12",
    "min_score": 72.5,
    "require": ["email", {"employees": {"min": 200}}, {"country": {"in": ["US", "CA"]}}],
    "signals": [
        {"name": "Visited pricing", "activity": "page_view", "detail_contains": "/pricing"},
        {"name": "Requested a demo", "activity": "demo_request", "qualifies": True},
    ],
}
FIRST_LINE = (
    "*In force*: score ≥ 72.5 · requires email; employees ≥ 200; country in US, CA · "
    "signals: Visited pricing, Requested a demo *"
)
# Another contract: a new score, no requirement, a different signal.
SECOND = {
    "version": "2027-01",
    "min_score": 85,
    "signals": [{"name": "Read the guide", "activity": "page_view", "detail_contains": "/guide"}],
}
SECOND_LINE = "*In force*: score ≥ 85 · requires nothing · signals: Read the guide"


@pytest.fixture
def config() -> HandshakeConfig:
    return parse_config(f.config_data(contract=FIRST))


def in_force(bot: Any, user: str = f.MIA) -> tuple[str, str]:
    """The header and the "*In force*" line of `user`'s answer to `/handshake contract`."""
    answer = ask(bot, user, "contract")
    texts = [
        b["text"]["text"] if b["type"] == "header" else (b.get("text") or {}).get("text", "")
        for b in answer.blocks
    ]
    header = next(t for b, t in zip(answer.blocks, texts, strict=True) if b["type"] == "header")
    lines = [line for t in texts for line in t.splitlines() if line.startswith("*In force*")]
    assert len(lines) == 1, texts
    return header, lines[0]


def test_the_line_names_the_configured_score_requirements_and_signals(bot):
    header, line = in_force(bot)
    assert header.startswith("Contract 2026-12: ")
    assert line == FIRST_LINE
    assert in_force(bot, f.ADA)[1] == FIRST_LINE  # the same definition for every caller


def test_the_line_follows_the_config_swapped_in(bot):
    assert in_force(bot)[1] == FIRST_LINE
    first = bot.runtime.swap_config(parse_config(f.config_data(contract=SECOND)))
    header, line = in_force(bot)
    assert header.startswith("Contract 2027-01: ")
    assert line == SECOND_LINE
    bot.runtime.swap_config(first)
    assert in_force(bot)[1] == FIRST_LINE


def test_the_line_follows_a_reloaded_file_and_a_refused_one_changes_nothing(bot, tmp_path):
    assert in_force(bot)[1] == FIRST_LINE
    path = tmp_path / "handshake.yml"
    path.write_text(yaml.safe_dump(f.config_data(contract=SECOND), allow_unicode=True))
    outcome = reload_config(bot.runtime, path)
    assert outcome.applied and outcome.version == "2027-01", outcome
    assert in_force(bot)[1] == SECOND_LINE

    broken = {**FIRST, "min_score": "sixty"}
    path.write_text(yaml.safe_dump(f.config_data(contract=broken), allow_unicode=True))
    refused = reload_config(bot.runtime, path)
    assert not refused.applied and any(p.startswith("contract.min_score") for p in refused.problems)
    assert in_force(bot)[1] == SECOND_LINE
