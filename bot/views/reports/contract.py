"""`/handshake contract`: does each signal of the contract predict what sales accepts?

`signals_section` and `score_only_section` are shared with the weekly digest."""

from __future__ import annotations

from bot.reports.contract import ContractReport, Verdicts
from bot.views import blocks as bk
from bot.views.reports.tables import Message, message, pct, period_line, reasons_text, table
from bot.views.text import one_line, safe

NO_SIGNALS = "The contract names no signals: leads qualify on score alone."


def verdicts_text(v: Verdicts) -> str:
    return f"{pct(v.acceptance_rate)} of {v.total}"


def signals_section(report: ContractReport) -> bk.Block | None:
    """Acceptance with and without each signal; None when the contract names none."""
    if not report.signals:
        return None
    rows = [
        [
            s.name + (" *" if s.qualifies else ""),
            verdicts_text(s.with_signal),
            verdicts_text(s.without),
        ]
        for s in report.signals
    ]
    return bk.section(
        "*Acceptance with each signal, and without it*\n"
        + table(["Signal", "With", "Without"], rows, [26, 12, 12])
        + "\n_* qualifies a lead on its own_"
    )


def score_only_section(report: ContractReport) -> bk.Block:
    """The leads qualified on score alone: how many were decided, accepted, and why not."""
    score = report.score_only
    return bk.section(
        f"*Qualified on score alone* (score ≥ {report.min_score:g}, no signal): "
        f"{score.total} decided, {pct(score.acceptance_rate)} accepted",
        fields=[
            reasons_text(
                "Why score-only leads were rejected",
                report.score_only_rejects,
                empty="none of the score-only leads were rejected",
            ),
            reasons_text(
                "Why score-only leads were handed back",
                report.score_only_handbacks,
                empty="none of the score-only leads were handed back",
            ),
        ],
    )


def definition_section(report: ContractReport) -> bk.Block:
    """The contract in force: its score, its requirements and its signals."""
    # "; " between requirements: a rule's own values are separated by ", " (country in US, CA)
    required = "; ".join(safe(r, 100) for r in report.require) or "nothing"
    signals = ", ".join(safe(s.name, 80) + (" *" if s.qualifies else "") for s in report.signals)
    return bk.section(
        f"*In force*: score ≥ {report.min_score:g} · requires {required} · "
        f"signals: {signals or 'none'}\n_Figures: the hand-offs routed under this version_"
    )


def build_contract(report: ContractReport, *, tz: str) -> Message:
    version = safe(one_line(report.version), 40)
    blocks = [
        bk.header(f"Contract {version}: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · acceptance = accepted of accepted, rejected and handed back"
        ),
        definition_section(report),
        signals_section(report) or bk.section(NO_SIGNALS),
        score_only_section(report),
    ]
    return message(f"Contract {version}, {report.period.label}", blocks)
