"""The digest's dispute lines (issue 14 §1): counts by reason and by rep with the overturn
rate, names rather than mentions; nothing when no decision was disputed in the week."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.digest.data import build_digest, period_of
from bot.digest.view import build_digest_message
from sandbox.blockkit import check_message
from storage.db import read_only
from tests import factories as f
from tests.bot.dispute_data import build


def digest_text(runtime, start, end) -> tuple[dict, str]:
    with read_only(runtime.engine) as session:
        digest = build_digest(session=session, config=runtime.config, period=period_of(start, end))
        message = build_digest_message(digest, tz="UTC", file_id=None)
    return message, json.dumps(message["blocks"], ensure_ascii=False)


def test_the_digest_counts_disputes_by_reason_and_by_rep(bot):
    made = build(bot)
    message, text = digest_text(
        bot.runtime, f.START - timedelta(days=7), f.START + timedelta(hours=1)
    )
    assert check_message(message["text"], message["blocks"]) == []
    assert "*Disputes*\\n*3 disputes* · 2 settled · 1 overturned (50% overturn rate)" in text
    assert "• Bad or unverifiable data: 2 disputed, 1 overturned (50%)" in text
    assert "• Timing: the project is months out: 1 disputed, 0 overturned (—)" in text
    assert "• Eve Evans: 1 disputed, 0 overturned (—)" in text
    names = {f.ANA: "Ana Alvarez", f.BEN: "Ben Brooks", f.CARA: "Cara Chen"}
    una, ola = names[made["Una"].owner], names[made["Ola"].owner]
    assert f"• {una}: 1 disputed, 1 overturned (100%)" in text
    assert f"• {ola}: 1 disputed, 0 overturned (0%)" in text
    assert "<@" not in text  # nobody is pinged
    assert "`disputes`" in text


def test_a_week_without_disputes_has_no_dispute_lines(bot):
    build(bot)
    _message, text = digest_text(
        bot.runtime, f.START + timedelta(days=1), f.START + timedelta(days=8)
    )
    assert "Disputes" not in text and "`disputes`" not in text
