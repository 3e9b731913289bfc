"""The config's scalar types: Slack IDs, emails, time zones, durations, times of day.

Each is an `Annotated` type whose validator raises ValueError with a message that says
what was expected (and, where it helps, how to find the right value in Slack). `ConfigModel`
is the base of every config model: unknown keys refused, immutable, strings stripped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from bot.config.durations import parse_duration
from bot.config.errors import show, suggest


class ConfigModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, str_min_length=1
    )


Role = Literal["ae", "sdr", "manager", "marketer", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
TEAM_ROLES = ("ae", "sdr", "manager")  # roles that must belong to a team
MANAGER_ROLES = ("manager", "admin")  # roles that may manage a team
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = get_args(Day)  # in weekday order: DAYS.index(day) == date.weekday()
# Lead fields the intake API knows (DESIGN §3) that `contract.require` may name.
LEAD_FIELDS = (
    "email", "first_name", "last_name", "title", "company", "company_domain", "country",
    "industry", "employees", "score", "campaign", "activities", "owner_email", "notes", "crm_url",
)  # fmt: skip


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


def _person_ref(value: str) -> str:
    """A configured person: their Slack user ID, or their email (people given by email)."""
    return _email(value) if "@" in value else _slack_user_id(value)


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
            f'"{value}" is not a lead field{suggest(value, LEAD_FIELDS)}; '
            f"expected one of {', '.join(LEAD_FIELDS)}"
        )
    return value


lead_field_name = _lead_field  # for config/requirements: a field named in a rule


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
    raise ValueError(f'{show(value)} is not a time of day; expected HH:MM like "09:00"')


def _version(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _week_day(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


SlackUserId = Annotated[str, AfterValidator(_slack_user_id)]
ChannelId = Annotated[str, AfterValidator(_channel_id)]
Email = Annotated[str, AfterValidator(_email)]
PersonRef = Annotated[str, AfterValidator(_person_ref)]  # a slack_id or an email
TimeZoneName = Annotated[str, AfterValidator(_timezone)]
LeadField = Annotated[str, AfterValidator(_lead_field)]
Duration = Annotated[timedelta, BeforeValidator(_duration)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]
WeekDay = Annotated[Day, BeforeValidator(_week_day)]
ContractVersion = Annotated[str, BeforeValidator(_version)]
