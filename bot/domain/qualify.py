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


class Requirement(Protocol):
    field: str
    min: float | None
    max: float | None
    in_: Sequence[str] | None
    not_in: Sequence[str] | None


class Contract(Protocol):
    version: str
    min_score: float
    require: Sequence[Requirement]
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


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "") if value == int(value) else f"{value:g}"


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def value_failure(rule: Requirement, value: Any) -> str | None:
    """Why a present value breaks the rule ("employees 120 < 200"), or None if it passes."""
    name = rule.field
    if rule.min is not None or rule.max is not None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return f"{name} {value!s} is not a number"
        if rule.min is not None and number < rule.min:
            return f"{name} {_number(number)} < {_number(rule.min)}"
        if rule.max is not None and number > rule.max:
            return f"{name} {_number(number)} > {_number(rule.max)}"
    if rule.in_ is not None and _text(value) not in {_text(v) for v in rule.in_}:
        return f"{name} {value!s} not in {', '.join(rule.in_)}"
    if rule.not_in is not None and _text(value) in {_text(v) for v in rule.not_in}:
        return f"{name} {value!s} is excluded"
    return None


def requirement_failures(lead: Mapping[str, Any], contract: Contract) -> list[str]:
    """Every way the lead falls short of `require`: the missing fields first, in one line,
    then each broken value rule."""
    missing: list[str] = []
    broken: list[str] = []
    for rule in contract.require:
        value = lead.get(rule.field)
        if not _present(value):
            missing.append(rule.field)
        elif (why := value_failure(rule, value)) is not None:
            broken.append(why)
    return (["missing required " + ", ".join(missing)] if missing else []) + broken


def qualify(lead: Mapping[str, Any], contract: Contract) -> Qualification:
    """Apply the contract to a lead given as a mapping of intake fields."""
    failures = requirement_failures(lead, contract)
    activities = [a for a in (lead.get("activities") or []) if isinstance(a, Mapping)]
    matched = matched_signals(contract, activities)
    names = tuple(rule.name for rule in matched)
    if failures:
        return Qualification(False, names, "; ".join(failures))
    score = float(lead.get("score") or 0)
    decisive = [rule.name for rule in matched if rule.qualifies]
    if decisive:
        return Qualification(True, names, f"qualifying signal: {decisive[0]}")
    if score >= contract.min_score:
        return Qualification(True, names, f"score {score:g} ≥ {contract.min_score:g}")
    return Qualification(
        False, names, f"score {score:g} below {contract.min_score:g} and no qualifying signal"
    )
