"""`/handshake contract compare` and the version in `/handshake contract` (issue 14 §4),
against a hand-built history on SQLite and PostgreSQL. Every figure is worked out by hand
below: each hand-off counts for the version that routed it, not the label in force.

    H   lead version  owner status        reason    notes
    1   L1   2026-11  Ana   accepted
    2   L2   2026-11  Ben   rejected      R-ICP
    3   L3   2026-11  Cara  rejected      R-ICP
    4   L4   2026-11  Ana   rejected      R-DATA
    5   L5   2026-11  Ana   handed_back   N-TIMING
    6   L6   2026-11  Ben   rejected      R-OWNER   routing error
    7   L6   2026-11  Eve   accepted                re-routed from H6 (not a new lead)
    8   L8   2026-11  Cara  pending
    9   L9   2026-12  Ana   accepted
    10  L10  2026-12  Ben   accepted
    11  L11  2026-12  Eve   rejected      R-JUNK
    12  L12  2026-12  Ana   reassigned
    13  L12  2026-12  Cara  pending                 reassigned from H12
    14  L14  2026-10  Ana   accepted                another version: never counted

2026-11: 7 leads routed (H1-H6, H8), 1 pending, 6 decided on quality (accepted H1 H7,
rejected H2 H3 H4, handed back H5): acceptance 2/6 = 33%; 1 routing error; top rejects
R-ICP 2, R-DATA 1 (the wrong-owner reject is not a reject on quality).
2026-12: 4 leads routed (H9-H12), 1 pending (H13), 3 decided: acceptance 2/3 = 67%; top
reject R-JUNK 1.
Cara (a rep, her own): 2026-11 routed 2 (H3, H8), 1 pending, 1 decided (rejected, R-ICP);
2026-12 routed 0 (H13 is not a new lead), 1 pending.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.commands import Command, Usage, parse
from bot.commands.answering import answer
from bot.config import parse_config
from bot.reports.contract import contract
from bot.reports.contract_compare import compare
from bot.reports.periods import period_for
from bot.reports.scope import scope_for
from bot.views.reports.contract_compare import build_contract_compare
from storage.db import read_only, unit_of_work
from storage.models import Handoff, Lead
from tests import factories as f

ROWS = [  # (handoff, lead, version, owner, status, reason, routing error, previous)
    (1, 1, "2026-11", f.ANA, "accepted", None, False, None),
    (2, 2, "2026-11", f.BEN, "rejected", "R-ICP", False, None),
    (3, 3, "2026-11", f.CARA, "rejected", "R-ICP", False, None),
    (4, 4, "2026-11", f.ANA, "rejected", "R-DATA", False, None),
    (5, 5, "2026-11", f.ANA, "handed_back", "N-TIMING", False, None),
    (6, 6, "2026-11", f.BEN, "rejected", "R-OWNER", True, None),
    (7, 6, "2026-11", f.EVE, "accepted", None, False, 6),
    (8, 8, "2026-11", f.CARA, "pending", None, False, None),
    (9, 9, "2026-12", f.ANA, "accepted", None, False, None),
    (10, 10, "2026-12", f.BEN, "accepted", None, False, None),
    (11, 11, "2026-12", f.EVE, "rejected", "R-JUNK", False, None),
    (12, 12, "2026-12", f.ANA, "reassigned", None, False, None),
    (13, 12, "2026-12", f.CARA, "pending", None, False, 12),
    (14, 14, "2026-10", f.ANA, "accepted", None, False, None),
]
NOW = f.START + timedelta(days=2)
NOV_DEC = ("2026-11", "2026-12")


@pytest.fixture
def history(runtime):
    at = f.START
    with unit_of_work(runtime.engine) as session:
        for lead_id in sorted({r[1] for r in ROWS}):
            session.add(
                Lead(id=lead_id, source="crm", external_id=f"L{lead_id}",
                     email=f"l{lead_id}@acme.example", status="routed", score=70,
                     created_at=at, updated_at=at)
            )  # fmt: skip
        session.flush()
        for h, lead, version, owner, status, reason, error, previous in ROWS:
            decided = status not in ("pending", "reassigned")
            session.add(
                Handoff(id=h, lead_id=lead, owner_id=owner, rule="round_robin",
                        contract_version=version, signals=[], status=status,
                        created_at=at + timedelta(minutes=h), due_at=at + timedelta(hours=4),
                        decided_at=at + timedelta(hours=1) if decided else None,
                        reason_code=reason, reason_label=reason, routing_error=error,
                        previous_id=previous)
            )  # fmt: skip
            session.flush()
    if runtime.engine.dialect.name == "postgresql":  # ids were given: move the sequences on
        with unit_of_work(runtime.engine) as session:
            for table in ("lead", "handoff"):
                session.connection().exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"
                )
    return runtime


def figures(runtime, viewer, versions=("2026-11", "2026-12")):
    scope = scope_for(runtime.config, viewer, marketers_see_all=True)
    with read_only(runtime.engine) as session:
        found = compare(list(versions), session=session, config=runtime.config, scope=scope)
    return {v.version: v for v in found.versions}, found


def test_compare_for_everyone(history):
    by, found = figures(history, f.MIA)
    old, new = by["2026-11"], by["2026-12"]
    assert (old.routed, old.pending, old.routing_errors) == (7, 1, 1)
    assert (old.verdicts.accepted, old.verdicts.rejected, old.verdicts.handed_back) == (2, 3, 1)
    assert old.verdicts.acceptance_rate == pytest.approx(2 / 6)
    assert [(r.code, r.count) for r in old.top_rejects] == [("R-ICP", 2), ("R-DATA", 1)]
    assert (new.routed, new.pending, new.routing_errors) == (4, 1, 0)
    assert (new.verdicts.accepted, new.verdicts.rejected, new.verdicts.handed_back) == (2, 1, 0)
    assert new.verdicts.acceptance_rate == pytest.approx(2 / 3)
    assert [(r.code, r.count) for r in new.top_rejects] == [("R-JUNK", 1)]
    assert found.in_force == "2026-11"

    text = json.dumps(build_contract_compare(found, tz="UTC"), ensure_ascii=False)
    assert "Contract 2026-11 vs 2026-12" in text
    assert "Acceptance" in text and "33%" in text and "67%" in text
    assert "Not our customer profile (size, industry, geography): 2" in text


def test_compare_for_a_rep_counts_their_own(history):
    by, _ = figures(history, f.CARA)
    old, new = by["2026-11"], by["2026-12"]
    assert (old.routed, old.pending, old.verdicts.total, old.verdicts.rejected) == (2, 1, 1, 1)
    assert (new.routed, new.pending, new.verdicts.total) == (0, 1, 0)


def test_an_unknown_version_has_no_figures(history):
    by, _ = figures(history, f.MIA, ("2026-12", "2099-01"))
    assert (by["2099-01"].routed, by["2099-01"].verdicts.total) == (0, 0)
    assert by["2026-12"].routed == 4


def test_the_contract_report_counts_the_version_in_force_only(history):
    """In force 2026-12: its three decided hand-offs (all on score alone), not 2026-11's."""
    data = f.config_data(contract={**f.CONFIG["contract"], "version": "2026-12"})
    history.swap_config(parse_config(data))
    scope = scope_for(history.config, f.MIA, marketers_see_all=True)
    with read_only(history.engine) as session:
        report = contract(
            session=session, config=history.config, scope=scope, now=NOW,
            period=period_for("90d", now=NOW, tz="UTC"),
        )  # fmt: skip
    assert (report.score_only.total, report.score_only.accepted) == (3, 2)
    assert [(r.code, r.count) for r in report.score_only_rejects] == [("R-JUNK", 1)]


def test_the_command_answers_through_the_runtime(history):
    history.clock = lambda: NOW
    message = answer(parse("contract compare 2026-11 2026-12", NOW.date()), f.MIA, runtime=history)
    assert message["text"] == "Contract 2026-11 vs 2026-12"
    assert "33%" in json.dumps(message)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contract compare 2026-11 2026-12", Command("contract_compare", versions=NOV_DEC)),
        ("contract COMPARE a b c", Command("contract_compare", versions=("a", "b", "c"))),
        ("contract compare 2026-11", Usage),
        ("contract compare a b c d e", Usage),
        ("contract compare 2026-11 2026-11", Usage),
        ("contract compare <x> 2026-12", Usage),
        ("contract 30d", Command("contract", period="30d")),
    ],
)  # fmt: skip
def test_parsing(text, expected):
    parsed = parse(text, NOW.date())
    if expected is Usage:
        assert isinstance(parsed, Usage) and "contract compare" in parsed.message
    else:
        assert parsed == expected
