"""The YAML config (DESIGN §2): roster, qualification contract, SLA, reasons, routing.

`load_config(path)` / `parse_config(data)` return a validated, immutable `HandshakeConfig`
or raise `ConfigError` whose `.problems` lists every problem as "key.path: message".
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.durations import format_duration, parse_duration
from bot.reasons import DEFAULT_HANDBACK_REASONS, DEFAULT_REJECT_REASONS, Reason

Role = Literal["ae", "sdr", "manager", "marketer", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
TEAM_ROLES = ("ae", "sdr", "manager")  # roles that must belong to a team
MANAGER_ROLES = ("manager", "admin")  # roles that may manage a team
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Lead fields the intake API knows (DESIGN §3) that `contract.require` may name.
LEAD_FIELDS = (
    "email", "first_name", "last_name", "title", "company", "company_domain", "country",
    "industry", "employees", "score", "campaign", "activities", "owner_email", "notes", "crm_url",
)  # fmt: skip

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]  # (key path relative to the model being validated, message)


class ConfigError(Exception):
    """A config that cannot be used. `problems`: one "key.path: message" line each."""

    def __init__(self, problems: list[str], path: str | None = None):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.path = path


def _fail(problems: Iterable[Problem]) -> NoReturn:
    """Raise from a model validator with several problems, each at its own key path."""
    problems = list(problems)
    summary = "; ".join(f"{_path(loc)}: {msg}" for loc, msg in problems)
    raise PydanticCustomError(
        "config_problems", "{summary}", {"summary": summary, "problems": problems}
    )


def _fail_if(problems: list[Problem]) -> None:
    if problems:
        _fail(problems)


def _duplicates(key: str, values: list[str], field: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for i, value in enumerate(values):
        j = first.setdefault(value, i)
        if j != i:
            problems.append(((key, i, field), f'"{value}" is already used by {key}[{j}]'))
    return problems


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


# --- scalar types ------------------------------------------------------------------------------


def _slack_user_id(value: str) -> str:
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", value):
        raise ValueError(
            f'"{value}" is not a Slack user ID; expected one like U0AE00001 '
            "(in Slack: profile → ⋯ → Copy member ID)"
        )
    return value


def _channel_id(value: str) -> str:
    if not re.fullmatch(r"[CG][A-Z0-9]{2,}", value):
        raise ValueError(
            f'"{value}" is not a Slack channel ID; expected one like C0HANDOFF1 '
            "(in Slack: channel details → About → Channel ID), not the channel's name"
        )
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", value):
        raise ValueError(f'"{value}" is not an email address; expected one like ana@example.com')
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'"{value}" is not an IANA time zone; expected a name like America/New_York or UTC'
        ) from None
    return value


def _lead_field(value: str) -> str:
    if value not in LEAD_FIELDS:
        raise ValueError(
            f'"{value}" is not a lead field{_suggest(value, LEAD_FIELDS)}; '
            f"expected one of {', '.join(LEAD_FIELDS)}"
        )
    return value


def _duration(value: object) -> object:
    return value if isinstance(value, timedelta) else parse_duration(value)  # type: ignore[arg-type]


def _clock_time(value: object) -> object:
    if isinstance(value, time):
        return value
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value.strip()) if isinstance(value, str) else None
    if m and int(m[1]) < 24 and int(m[2]) < 60:
        return time(int(m[1]), int(m[2]))
    if isinstance(value, int) and 0 <= value < 24 * 60:  # YAML reads 9:00 as 540 (base 60)
        written = f"{value // 60}:{value % 60:02d}"
        raise ValueError(f'write the time in quotes, "{written}": YAML reads {written} as {value}')
    if isinstance(value, int | float):
        raise ValueError('write the time in quotes, like "18:00"; YAML read a number here')
    raise ValueError(f'{_show(value)} is not a time of day; expected HH:MM like "09:00"')


def _version(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


SlackUserId = Annotated[str, AfterValidator(_slack_user_id)]
ChannelId = Annotated[str, AfterValidator(_channel_id)]
Email = Annotated[str, AfterValidator(_email)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
LeadField = Annotated[str, AfterValidator(_lead_field)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
WeekDay = Annotated[Day, BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v)]


# --- models ------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, str_min_length=1
    )


class PersonConfig(_Model):
    slack_id: SlackUserId
    name: str
    email: Email
    role: Role
    team: str | None = None  # required for ae, sdr, manager
    timezone: TimeZoneName | None = None  # else the config's `timezone`
    away_until: date | None = None  # not routed to until after this date
    capacity_per_day: int | None = Field(default=None, ge=1)  # new hand-offs a day; None: no cap

    @model_validator(mode="after")
    def _team_for_role(self) -> PersonConfig:
        if self.team is None and self.role in TEAM_ROLES:
            _fail([(("team",), f"required for role {self.role}; name one of the configured teams")])
        return self


class TeamConfig(_Model):
    name: str
    manager: SlackUserId  # slack_id of a configured person with role manager or admin
    countries: list[str] = []  # lead.country values (codes or names, any case) routed here


class SignalConfig(_Model):
    name: str  # shown on the card as why the lead qualified
    activity: str  # activity type to match: page_view, session, demo_request, …
    detail_contains: str | None = None  # substring of the activity's detail, e.g. /pricing
    min_duration_s: float | None = Field(default=None, ge=0)
    qualifies: bool = False  # qualifies the lead on its own, whatever the score


class ContractConfig(_Model):
    version: Annotated[str, BeforeValidator(_version)]
    min_score: float = Field(ge=0, le=1000)
    require: list[LeadField] = []  # lead fields that must be present to qualify
    signals: list[SignalConfig] = []

    @model_validator(mode="after")
    def _unique_signals(self) -> ContractConfig:
        _fail_if(_duplicates("signals", [s.name for s in self.signals], "name"))
        return self


class SlaConfig(_Model):
    respond_within: Duration = timedelta(hours=4)
    escalate_after: Duration = timedelta(hours=8)
    reassign_after: Duration = timedelta(hours=24)
    follow_up_within: Duration = timedelta(days=2)

    @model_validator(mode="after")
    def _in_order(self) -> SlaConfig:
        order = "expected respond_within <= escalate_after <= reassign_after"
        steps = [
            ("respond_within", self.respond_within),
            ("escalate_after", self.escalate_after),
            ("reassign_after", self.reassign_after),
        ]
        problems: list[Problem] = []
        for (before, limit), (key, value) in itertools.pairwise(steps):
            if value < limit:
                msg = (
                    f"{format_duration(value)} is shorter than {before} ({format_duration(limit)})"
                )
                problems.append(((key,), f"{msg}; {order}"))
        _fail_if(problems)
        return self


class BusinessHoursConfig(_Model):
    days: list[WeekDay] = Field(default=["mon", "tue", "wed", "thu", "fri"], min_length=1)
    start: ClockTime = time(9)
    end: ClockTime = time(18)
    holidays: list[date] = []

    @model_validator(mode="after")
    def _end_after_start(self) -> BusinessHoursConfig:
        if self.end <= self.start:
            _fail([(("end",), f"{self.end:%H:%M} is not after start ({self.start:%H:%M})")])
        return self


class ReasonsConfig(_Model):
    # At most 100: Slack's limit for the options of a menu.
    reject: list[Reason] = Field(default=list(DEFAULT_REJECT_REASONS), min_length=1, max_length=100)
    handback: list[Reason] = Field(
        default=list(DEFAULT_HANDBACK_REASONS), min_length=1, max_length=100
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> ReasonsConfig:
        _fail_if(
            _duplicates("reject", [r.code for r in self.reject], "code")
            + _duplicates("handback", [r.code for r in self.handback], "code")
        )
        return self


class RoutingConfig(_Model):
    first_line: Literal["ae", "sdr"] = "ae"  # who gets a new lead: AEs directly, or SDRs first


class HandshakeConfig(_Model):
    handoff_channel: ChannelId
    timezone: TimeZoneName = "UTC"
    people: list[PersonConfig] = Field(min_length=1)
    teams: list[TeamConfig] = Field(min_length=1)
    contract: ContractConfig
    sla: SlaConfig = Field(default_factory=SlaConfig)
    business_hours: BusinessHoursConfig | None = None  # None: durations count wall-clock time
    reasons: ReasonsConfig = Field(default_factory=ReasonsConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)

    @model_validator(mode="after")
    def _roster(self) -> HandshakeConfig:
        people = [(i, dict(p)) for i, p in enumerate(self.people)]
        teams = [(i, dict(t)) for i, t in enumerate(self.teams)]
        team_names = {t.name for t in self.teams}
        _fail_if(_roster_problems(people, teams, team_names, {p.slack_id for p in self.people}))
        return self

    def person(self, slack_id: str) -> PersonConfig | None:
        return next((p for p in self.people if p.slack_id == slack_id), None)

    def person_by_email(self, email: str) -> PersonConfig | None:
        wanted = email.strip().casefold()
        return next((p for p in self.people if p.email.casefold() == wanted), None)

    def team(self, name: str) -> TeamConfig | None:
        return next((t for t in self.teams if t.name == name), None)

    def team_for_country(self, country: str | None) -> TeamConfig:
        """The team whose `countries` lists this country (any case), else the first team."""
        wanted = (country or "").strip().casefold()
        if wanted:
            for team in self.teams:
                if any(c.casefold() == wanted for c in team.countries):
                    return team
        return self.teams[0]

    def manager_of(self, slack_id: str) -> str | None:
        """Slack ID of the manager of this person's team (None: unknown person or no team)."""
        person = self.person(slack_id)
        team = self.team(person.team) if person and person.team else None
        return team.manager if team else None

    def reason(self, kind: Literal["reject", "handback"], code: str) -> Reason | None:
        reasons = self.reasons.reject if kind == "reject" else self.reasons.handback
        return next((r for r in reasons if r.code == code), None)


# --- cross-field checks ------------------------------------------------------------------------


Entry = dict[str, Any]  # a person's or team's fields, by name (only the usable ones)


def _roster_problems(
    people: list[tuple[int, Entry]],
    teams: list[tuple[int, Entry]],
    team_names: set[str] | None,
    person_ids: set[str] | None,
) -> list[Problem]:
    """People/teams consistency. None for a name set: unknown, skip those reference checks."""
    problems: list[Problem] = []
    first_id: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for i, p in people:
        slack_id, email, team = p.get("slack_id"), p.get("email"), p.get("team")
        if slack_id and (j := first_id.setdefault(slack_id, i)) != i:
            msg = f"{slack_id} is already used by people[{j}]"
            problems.append((("people", i, "slack_id"), msg))
        if email and (j := first_email.setdefault(email.casefold(), i)) != i:
            problems.append((("people", i, "email"), f"{email} is already used by people[{j}]"))
        if team and team_names is not None and team not in team_names:
            known = ", ".join(sorted(team_names)) or "none"
            msg = f'"{team}" is not a configured team{_suggest(team, team_names)}'
            problems.append((("people", i, "team"), f"{msg}; expected one of: {known}"))
    by_id = {p["slack_id"]: p for _, p in reversed(people) if p.get("slack_id")}
    first_team: dict[str, int] = {}
    country_team: dict[str, tuple[int, str]] = {}
    for i, t in teams:
        name, manager_id = t.get("name"), t.get("manager")
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
    return problems


def _salvage_roster(data: Mapping[str, Any]) -> list[Problem]:
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
    return _roster_problems(
        entries(PersonConfig, people),
        entries(TeamConfig, teams),
        names(teams, "name"),
        names(people, "slack_id"),
    )


def _strip(value: object) -> object:
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value.strip() if isinstance(value, str) else value


# --- turning errors into "key.path: message" lines -----------------------------------------------


def _path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text or "config"


def _show(value: object) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None else _show(value)


def _keys_at(loc: Loc) -> list[str]:
    """The keys the model at this location accepts (for "unknown key" messages)."""
    model: type[BaseModel] | None = HandshakeConfig
    for part in loc:
        if isinstance(part, str) and model is not None:
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field else None
    return list(model.model_fields) if model else []


def _model_in(tp: object) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    return next((m for arg in get_args(tp) if (m := _model_in(arg))), None)


def _message(err: Mapping[str, Any]) -> str:
    """One pydantic error as a human message: what is wrong and what is expected."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        keys = _keys_at(err["loc"][:-1])
        hint = _suggest(str(err["loc"][-1]), keys) or (f"; expected one of: {', '.join(keys)}")
        return f"unknown key{hint}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind == "literal_error":
        return f"{_show(value)} is not allowed; expected {ctx['expected']}"
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "needs at least one entry"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"should be a mapping of keys, not {_kind(value)}"
    if kind == "list_type":
        return f"should be a list, not {_kind(value)}"
    if kind.startswith("date"):
        return f"{_show(value)} is not a date; expected YYYY-MM-DD like 2026-12-25"
    message = f"{err['msg'].replace('Input should', 'should', 1)} (got {_show(value)})"
    if kind == "string_type" and isinstance(value, bool):
        message += "; YAML reads unquoted yes/no/on/off as true/false, so put it in quotes"
    return message


def _problem_lines(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors(include_url=False):
        if err["type"] == "config_problems":
            ctx = err.get("ctx") or {}
            lines += [f"{_path(err['loc'] + loc)}: {msg}" for loc, msg in ctx["problems"]]
        else:
            lines.append(f"{_path(err['loc'])}: {_message(err)}")
    return lines


# --- entry points ------------------------------------------------------------------------------


def parse_config(data: object) -> HandshakeConfig:
    """Validate parsed YAML. Raises ConfigError listing every problem found."""
    if not isinstance(data, Mapping):
        kind = _kind(data)
        raise ConfigError([f"config: should be a mapping of keys (handoff_channel, …), not {kind}"])
    try:
        return HandshakeConfig.model_validate(data)
    except ValidationError as exc:
        lines = _problem_lines(exc)
        # The roster check did not run if any field failed: run it on what did validate.
        if not any(e["type"] == "config_problems" and not e["loc"] for e in exc.errors()):
            lines += [f"{_path(loc)}: {msg}" for loc, msg in _salvage_roster(data)]
        raise ConfigError(lines) from exc


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML would keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f'duplicate key "{key_node.value}"', key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


def load_config(path: str | Path) -> HandshakeConfig:
    """Read and validate a YAML config file.

    Raises ConfigError with `.path` set: a file-level problem (missing, unreadable, bad YAML,
    not a mapping) is one line naming the file; otherwise the "key.path: message" lines.
    """
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{name}: config file not found"], name) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError([f"{name}: cannot read the config file ({reason})"], name) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{name}: not valid YAML: {where}{problem}"], name) from None
    if data is None:
        expected = "expected keys like handoff_channel, people, teams, contract"
        raise ConfigError([f"{name}: the file is empty; {expected}"], name)
    if not isinstance(data, Mapping):
        expected = "should be a mapping of keys (handoff_channel: …, people: …)"
        raise ConfigError([f"{name}: the top level {expected}, not {_kind(data)}"], name)
    try:
        return parse_config(data)
    except ConfigError as exc:
        raise ConfigError(exc.problems, name) from exc
