"""`/handshake` report subcommands, parsed: defaults, periods, emails and usage answers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands.parsing import USAGE, Command, Usage, help_text, parse

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("summary", Command("summary", period="7d")),
        ("SUMMARY 30D", Command("summary", period="30d")),
        ("summary 90d", Command("summary", period="90d")),
        ("summary qtd", Command("summary", period="qtd")),
        ("stale", Command("stale")),
        ("campaigns", Command("campaigns", period="30d")),
        ("campaigns 7d", Command("campaigns", period="7d")),
        ("contract", Command("contract", period="90d")),
        ("contract qtd", Command("contract", period="qtd")),
        ("criteria", Command("criteria", period="90d")),
        ("Criteria 30D", Command("criteria", period="30d")),
        ("routing", Command("routing", period="30d")),
        ("Routing QTD", Command("routing", period="qtd")),
        ("lead Jo@Acme.example", Command("lead", email="jo@acme.example")),
        ("lead <mailto:jo@acme.example|jo@acme.example>", Command("lead", email="jo@acme.example")),
    ],
)
def test_report_commands(text, command):
    assert parse(text, TODAY) == command


@pytest.mark.parametrize(
    ("text", "usage_of", "echo"),
    [
        ("summary 12x", "summary", "`12x` is not a period"),
        ("summary 7d 30d", "summary", None),
        ("summary <!channel>", "summary", "`&lt;!channel&gt;` is not a period"),
        ("campaigns forever", "campaigns", "`forever` is not a period"),
        ("contract 1y", "contract", "`1y` is not a period"),
        ("criteria 12d", "criteria", "`12d` is not a period (7d, 30d, 90d, qtd)"),
        ("criteria 30d VALUE", "criteria", None),
        ("routing 30", "routing", "`30` is not a period (7d, 30d, 90d, qtd)"),
        ("routing 7d everyone", "routing", None),
        ("stale now", "stale", None),
        ("lead", "lead", None),
        ("lead a@b.example c@d.example", "lead", None),
        ("lead not-an-email", "lead", "`not-an-email` is not an email address"),
        ("lead a@b", "lead", "`a@b` is not an email address"),
        ("lead <@U0AE00001>", "lead", "`&lt;@U0AE00001&gt;` is not an email address"),
        # a long word is cut before it is escaped: never inside an escape
        ("summary " + "a" * 38 + "><b", "summary", "`" + "a" * 38 + "&gt;&lt;` is not"),
        ("summary " + "x" * 39 + "&y", "summary", "`" + "x" * 39 + "&amp;` is not"),
    ],
)
def test_bad_arguments_get_the_usage_line(text, usage_of, echo):
    answer = parse(text, TODAY)
    assert isinstance(answer, Usage)
    assert answer.message.endswith("Usage: " + USAGE[usage_of])
    if echo:
        assert answer.message.startswith(echo)


def test_help_lists_every_subcommand_with_its_usage():
    text = help_text()
    names = ("summary", "stale", "lead", "campaigns", "contract", "criteria", "routing", "away")
    for name in (*names, "capacity", "help"):
        assert USAGE[name] in text
    assert "<email>" not in text and "&lt;email&gt;" in text
