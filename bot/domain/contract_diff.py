"""What changed between two qualification contracts, as plain data (issue 14 §4).

Each contract is its definition as plain JSON (`ContractConfig.model_dump(mode="json",
by_alias=True)`). A change is a dict: {"kind": ..., plus what it names}:
- min_score: {"from": 60, "to": 70}
- signal_added / signal_removed / signal_changed: {"name": "Requested a demo"}
- require_added / require_removed: {"rule": "employees ≥ 200"}
The version label is not a change of its own: the post names the new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Change = dict[str, Any]


def describe_requirement(entry: Mapping[str, Any]) -> str:
    """ "employees ≥ 200", "country in US, CA", "email": as `Requirement.describe`."""
    parts = [str(entry.get("field"))]
    if entry.get("min") is not None:
        parts.append(f"≥ {float(entry['min']):g}")
    if entry.get("max") is not None:
        parts.append(f"≤ {float(entry['max']):g}")
    if entry.get("in"):
        parts.append("in " + ", ".join(map(str, entry["in"])))
    if entry.get("not_in"):
        parts.append("not in " + ", ".join(map(str, entry["not_in"])))
    return " ".join(parts)


def _signals(contract: Mapping[str, Any]) -> dict[str, Any]:
    return {s["name"]: s for s in contract.get("signals") or []}


def _rules(contract: Mapping[str, Any]) -> list[str]:
    return [describe_requirement(r) for r in contract.get("require") or []]


def contract_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """The changes from `old` to `new`, in a stable order; None: the first contract recorded
    (every rule and signal is new)."""
    old = old or {"min_score": None, "require": [], "signals": []}
    changes: list[Change] = []
    if old.get("min_score") != new.get("min_score"):
        changes.append({"kind": "min_score", "from": old.get("min_score"), "to": new["min_score"]})
    before, after = _signals(old), _signals(new)
    changes += [{"kind": "signal_added", "name": n} for n in after if n not in before]
    changes += [{"kind": "signal_removed", "name": n} for n in before if n not in after]
    changes += [
        {"kind": "signal_changed", "name": n}
        for n in after
        if n in before and before[n] != after[n]
    ]
    old_rules, new_rules = _rules(old), _rules(new)
    changes += [{"kind": "require_added", "rule": r} for r in new_rules if r not in old_rules]
    changes += [{"kind": "require_removed", "rule": r} for r in old_rules if r not in new_rules]
    return changes


def change_phrases(changes: Sequence[Change], mark: Any = lambda s: s) -> list[str]:
    """Each change in a few words; `mark` wraps a name (the view escapes and emphasises)."""
    phrases = []
    for c in changes:
        kind = c.get("kind")
        if kind == "min_score":
            was = "none" if c.get("from") is None else f"{float(c['from']):g}"
            phrases.append(f"min_score {was} → {float(c['to']):g}")
        elif kind == "signal_added":
            phrases.append(f"new signal {mark(c['name'])}")
        elif kind == "signal_removed":
            phrases.append(f"signal {mark(c['name'])} dropped")
        elif kind == "signal_changed":
            phrases.append(f"signal {mark(c['name'])} changed")
        elif kind == "require_added":
            phrases.append(f"requires {mark(c['rule'])}")
        elif kind == "require_removed":
            phrases.append(f"no longer requires {mark(c['rule'])}")
    return phrases
