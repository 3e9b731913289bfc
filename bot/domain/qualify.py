"""The qualification contract: is this lead sales-ready, and why (or why not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class SignalRule(Protocol):
    name: str
    activity: str
    detail_contains: str | None
    min_duration_s: float | None
    qualifies: bool


class Contract(Protocol):
    version: str
    min_score: float
    require: Sequence[str]
    signals: Sequence[SignalRule]


@dataclass(frozen=True)
class Qualification:
    qualified: bool
    signals: tuple[str, ...]  # names of every signal the lead matched
    reason: str  # why it qualified, or why it stays in nurture


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def signal_matches(rule: SignalRule, activity: Mapping[str, Any]) -> bool:
    if str(activity.get("type") or "").lower() != rule.activity.lower():
        return False
    if rule.detail_contains:
        detail = str(activity.get("detail") or "")
        if rule.detail_contains.lower() not in detail.lower():
            return False
    if rule.min_duration_s is not None:
        duration = activity.get("duration_s")
        if not isinstance(duration, int | float) or duration < rule.min_duration_s:
            return False
    return True


def matched_signals(
    contract: Contract, activities: Sequence[Mapping[str, Any]]
) -> list[SignalRule]:
    return [
        rule
        for rule in contract.signals
        if any(signal_matches(rule, activity) for activity in activities)
    ]


def qualify(lead: Mapping[str, Any], contract: Contract) -> Qualification:
    """Apply the contract to a lead given as a mapping of intake fields."""
    missing = [name for name in contract.require if not _present(lead.get(name))]
    activities = [a for a in (lead.get("activities") or []) if isinstance(a, Mapping)]
    matched = matched_signals(contract, activities)
    names = tuple(rule.name for rule in matched)
    if missing:
        return Qualification(False, names, "missing required " + ", ".join(missing))
    score = float(lead.get("score") or 0)
    decisive = [rule.name for rule in matched if rule.qualifies]
    if decisive:
        return Qualification(True, names, f"qualifying signal: {decisive[0]}")
    if score >= contract.min_score:
        return Qualification(True, names, f"score {score:g} ≥ {contract.min_score:g}")
    return Qualification(
        False, names, f"score {score:g} below {contract.min_score:g} and no qualifying signal"
    )
