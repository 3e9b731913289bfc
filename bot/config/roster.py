"""Roster consistency: unique IDs and emails, known teams, teams managed by a manager.

`roster_problems` runs as the config's model check; `salvage_roster` runs the same checks
when some field failed (so the model check never ran) on whatever did validate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.config.errors import Problem, suggest
from bot.config.scalars import MANAGER_ROLES

Entry = dict[str, Any]  # a person's or team's fields, by name (only the usable ones)


def roster_problems(
    people: list[tuple[int, Entry]],
    teams: list[tuple[int, Entry]],
    team_names: set[str] | None,
    person_ids: set[str] | None,
) -> list[Problem]:
    """People/teams consistency. None for a name set: unknown, skip those reference checks."""
    problems: list[Problem] = []
    first_id: dict[str, int] = {}
    first_email: dict[str, int] = {}
    first_crm_id: dict[tuple[str, str], int] = {}
    for i, p in people:
        slack_id, email, team = p.get("slack_id"), p.get("email"), p.get("team")
        if slack_id and (j := first_id.setdefault(slack_id, i)) != i:
            msg = f"{slack_id} is already used by people[{j}]"
            problems.append((("people", i, "slack_id"), msg))
        if email and (j := first_email.setdefault(email.casefold(), i)) != i:
            problems.append((("people", i, "email"), f"{email} is already used by people[{j}]"))
        problems += _same_crm_id(i, p.get("crm_ids"), first_crm_id)
        if team and team_names is not None and team not in team_names:
            known = ", ".join(sorted(team_names)) or "none"
            msg = f'"{team}" is not a configured team{suggest(team, team_names)}'
            problems.append((("people", i, "team"), f"{msg}; expected one of: {known}"))
    by_id = {_ref(p["email"]): p for _, p in reversed(people) if p.get("email")}
    by_id |= {p["slack_id"]: p for _, p in reversed(people) if p.get("slack_id")}
    first_team: dict[str, int] = {}
    country_team: dict[str, tuple[int, str]] = {}
    for i, t in teams:
        name, manager_id = t.get("name"), _ref(t.get("manager"))
        if name and (j := first_team.setdefault(name, i)) != i:
            problems.append((("teams", i, "name"), f'"{name}" is already used by teams[{j}]'))
        manager = by_id.get(manager_id) if manager_id else None
        if manager_id and person_ids is not None and manager_id not in person_ids:
            msg = f"{manager_id} is not a configured person; add them under people"
            problems.append((("teams", i, "manager"), msg))
        elif manager and manager.get("role") and manager["role"] not in MANAGER_ROLES:
            msg = f"{manager_id} ({manager.get('name', '?')}) has role {manager['role']}"
            msg += "; a team's manager must have role manager or admin"
            problems.append((("teams", i, "manager"), msg))
        for k, country in enumerate(t.get("countries") or []):
            owner, owner_name = country_team.setdefault(country.casefold(), (i, name or "?"))
            if owner != i:
                msg = f'"{country}" is already mapped to team {owner_name} (teams[{owner}])'
                problems.append((("teams", i, "countries", k), msg))
    return problems + _manager_loops(teams, by_id)


CRMS = ("hubspot", "salesforce")


def _same_crm_id(i: int, ids: object, first: dict[tuple[str, str], int]) -> list[Problem]:
    """Two people with one id in a CRM: its leads would all go to the first of them. A
    Salesforce id is the same in its 15- and 18-character forms."""
    problems: list[Problem] = []
    for crm in CRMS:
        value = ids.get(crm) if isinstance(ids, Mapping) else getattr(ids, crm, None)
        if value is None or isinstance(value, bool) or not str(value).strip():
            continue
        text = str(value).strip()
        key = (crm, text[:15] if crm == "salesforce" else text)
        if (j := first.setdefault(key, i)) != i:
            msg = f'"{text}" is already the {crm} id of people[{j}]'
            problems.append((("people", i, "crm_ids", crm), msg))
    return problems


def _manager_loops(teams: list[tuple[int, Entry]], by_id: dict[str, Entry]) -> list[Problem]:
    """Managers whose chain (manager → their own team's manager → …) comes back round.

    Valid: a manager in the team they manage (the top of a chain), or in a parent team
    whose chain ends at such a top. A loop would send escalations round in a circle.
    """
    team_at = {t["name"]: i for i, t in teams if t.get("name")}
    manager_at = {i: _ref(t.get("manager")) for i, t in teams}
    problems: list[Problem] = []
    reported: set[frozenset[str]] = set()
    for i, _ in teams:
        chain: list[tuple[int, str]] = []
        here: int | None = i
        while here is not None and (manager := manager_at.get(here)):
            if any(m == manager for _, m in chain):
                loop = chain[[m for _, m in chain].index(manager) :]
                members = frozenset(m for _, m in loop)
                if members not in reported:
                    reported.add(members)
                    first = min(k for k, _ in loop)
                    names = " → ".join(_who(m, by_id) for _, m in loop + loop[:1])
                    msg = f"the managers form a loop ({names}): each is in a team managed by"
                    msg += " the next; put a manager in the team they manage or a parent team"
                    problems.append((("teams", first, "manager"), msg))
                break
            chain.append((here, manager))
            own_team = (by_id.get(manager) or {}).get("team")
            after = team_at.get(own_team) if own_team else None
            here = None if after is None or manager_at.get(after) == manager else after
    return problems


def _ref(ref: str | None) -> str | None:
    """A person reference as the roster keys it: a slack_id as is, an email casefolded."""
    return ref.casefold() if ref and "@" in ref else ref


def _who(slack_id: str, by_id: dict[str, Entry]) -> str:
    name = (by_id.get(slack_id) or {}).get("name")
    return f"{slack_id} ({name})" if name else slack_id


def roster_notes(config: Any) -> list[str]:
    """Valid but worth saying: one person managing several teams (they get escalations and
    see summaries for all of them; they belong to one, the others count as its children)."""
    notes = []
    first: dict[str, int] = {}
    for i, team in enumerate(config.teams):
        j = first.setdefault(team.manager, i)
        if j != i:
            person = config.person(team.manager)
            who = f"{team.manager} ({person.name})" if person else team.manager
            notes.append(
                f"teams[{i}].manager: {who} also manages {config.teams[j].name} (teams[{j}]); "
                "they get the escalations and summaries of both teams"
            )
    return notes


def salvage_roster(
    data: Mapping[str, Any], person_model: type[BaseModel], team_model: type[BaseModel]
) -> list[Problem]:
    """The roster checks when some field failed (so the model check never ran).

    They run on every person and team field that is valid on its own, so that a bad
    email does not hide that the same person names a team that does not exist.
    """

    def entries(model: type[BaseModel], raw: object) -> list[tuple[int, Entry]]:
        found = []
        for i, item in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(item, Mapping):
                continue
            try:
                found.append((i, dict(model.model_validate(item))))
            except ValidationError as exc:
                bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
                good = {k: v for k, v in item.items() if k in model.model_fields and k not in bad}
                found.append((i, {k: _strip(v) for k, v in good.items()}))
        return found

    def names(raw: object, key: str) -> set[str] | None:
        if not isinstance(raw, list):
            return None
        return {
            e[key].strip() for e in raw if isinstance(e, Mapping) and isinstance(e.get(key), str)
        }

    people, teams = data.get("people"), data.get("teams")
    return roster_problems(
        entries(person_model, people),
        entries(team_model, teams),
        names(teams, "name"),
        _refs(people),
    )


def _refs(raw: object) -> set[str] | None:
    """The slack_ids and (casefolded) emails people can be referred to by."""
    if not isinstance(raw, list):
        return None
    found = set()
    for e in raw:
        if isinstance(e, Mapping):
            found |= {v.strip() for k in ("slack_id", "email") if isinstance(v := e.get(k), str)}
    return {_ref(r) or r for r in found}


def _strip(value: object) -> object:
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value.strip() if isinstance(value, str) else value
