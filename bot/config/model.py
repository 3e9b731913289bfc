"""The config's models and its entry points: `parse_config` validates parsed YAML,
`load_config` reads and validates a file. The parts the models are built from live beside
this module (see `bot.config`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationError, model_validator

from bot.config.channel import ChannelConfig
from bot.config.crm import CrmConfig, CrmIds
from bot.config.digest import DigestConfig
from bot.config.errors import (
    ConfigError,
    duplicates,
    fail,
    fail_if,
    key_path,
    kind_of,
    problem_lines,
)
from bot.config.insights import InsightsConfig
from bot.config.loader import read_config_file
from bot.config.qualification import QualificationConfig
from bot.config.reasons import (
    DEFAULT_DISQUALIFY_REASONS,
    DEFAULT_HANDBACK_REASONS,
    DEFAULT_REJECT_REASONS,
    Reason,
)
from bot.config.requirements import Requirement
from bot.config.roster import roster_problems, salvage_roster
from bot.config.routing import MAX_WEIGHT, RampConfig, RoutingConfig
from bot.config.scalars import (
    TEAM_ROLES,
    ChannelId,
    ConfigModel,
    ContractVersion,
    Email,
    PersonRef,
    Role,
    SlackUserId,
    TimeZoneName,
)
from bot.config.sla import BusinessHoursConfig, SlaConfig
from bot.config.sources import SourceConfig, source_for
from bot.config.webhooks import WebhookConfig

# --- models ------------------------------------------------------------------------------------


class PersonConfig(ConfigModel):
    # None: given by `email` alone; Handshake looks the ID up (users.lookupByEmail) at start,
    # in `doctor` and on each daily refresh (bot/services/roster_lookup.py).
    slack_id: SlackUserId | None = None
    name: str
    email: Email
    role: Role
    team: str | None = None  # required for ae, sdr, manager
    timezone: TimeZoneName | None = None  # else the config's `timezone`
    away_until: date | None = None  # not routed to until after this date
    capacity_per_day: int | None = Field(default=None, ge=1)  # new hand-offs a day; None: no cap
    weight: float = Field(default=1.0, ge=0, le=MAX_WEIGHT)  # their share of the round robin
    ramp: RampConfig | None = None  # a new rep: the weight grows over their first weeks
    crm_ids: CrmIds | None = None  # their owner id in HubSpot / Salesforce (crm.*.owner)

    @model_validator(mode="after")
    def _team_for_role(self) -> PersonConfig:
        if self.team is None and self.role in TEAM_ROLES:
            fail([(("team",), f"required for role {self.role}; name one of the configured teams")])
        return self


class TeamConfig(ConfigModel):
    name: str
    # slack_id or email of a configured person with role manager or admin; an email becomes
    # that person's slack_id once the roster is resolved (bot/config/by_email.py)
    manager: PersonRef
    countries: list[str] = []  # lead.country values (codes or names, any case) routed here


class SignalConfig(ConfigModel):
    name: str  # shown on the card as why the lead qualified
    activity: str  # activity type to match: page_view, session, demo_request, …
    detail_contains: str | None = None  # substring of the activity's detail, e.g. /pricing
    min_duration_s: float | None = Field(default=None, ge=0)
    qualifies: bool = False  # qualifies the lead on its own, whatever the score


class ContractConfig(ConfigModel):
    version: ContractVersion
    min_score: float = Field(ge=0, le=1000)
    require: list[Requirement] = []  # fields to be present, rules on values (config/requirements)
    signals: list[SignalConfig] = []

    @model_validator(mode="after")
    def _unique_signals(self) -> ContractConfig:
        fail_if(duplicates("signals", [s.name for s in self.signals], "name"))
        return self


class ReasonsConfig(ConfigModel):
    # At most 100: Slack's limit for the options of a menu.
    reject: list[Reason] = Field(default=list(DEFAULT_REJECT_REASONS), min_length=1, max_length=100)
    handback: list[Reason] = Field(
        default=list(DEFAULT_HANDBACK_REASONS), min_length=1, max_length=100
    )
    disqualify: list[Reason] = Field(  # Disqualified after contact (reroute is ignored)
        default=list(DEFAULT_DISQUALIFY_REASONS), min_length=1, max_length=100
    )

    @model_validator(mode="after")
    def _unique_codes(self) -> ReasonsConfig:
        fail_if(
            duplicates("reject", [r.code for r in self.reject], "code")
            + duplicates("handback", [r.code for r in self.handback], "code")
            + duplicates("disqualify", [r.code for r in self.disqualify], "code")
        )
        return self


class HandshakeConfig(ConfigModel):
    handoff_channel: ChannelId
    timezone: TimeZoneName = "UTC"
    people: list[PersonConfig] = Field(min_length=1)
    teams: list[TeamConfig] = Field(min_length=1)
    contract: ContractConfig
    sla: SlaConfig = Field(default_factory=SlaConfig)
    business_hours: BusinessHoursConfig | None = None  # None: durations count wall-clock time
    reasons: ReasonsConfig = Field(default_factory=ReasonsConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    qualification: QualificationConfig = Field(default_factory=QualificationConfig)  # SDR → AE
    digest: DigestConfig = Field(default_factory=DigestConfig)
    insights: InsightsConfig = Field(default_factory=InsightsConfig)  # bot/config/insights.py
    channel: ChannelConfig = Field(default_factory=ChannelConfig)  # the channel card's form
    crm: CrmConfig | None = None  # None: decisions are not written back to a CRM
    webhooks: list[WebhookConfig] = []  # signed webhooks that hear the events (bot/config/webhooks)
    sources: list[SourceConfig] = []  # systems that push leads in their own shape (config/sources)
    # A resolved roster (bot/config/by_email.py) keeps the config as written, people given
    # by email and all, for the next lookup (the daily refresh).
    _as_written: HandshakeConfig | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_webhooks(self) -> HandshakeConfig:
        fail_if(duplicates("webhooks", [w.url for w in self.webhooks], "url"))
        return self

    @model_validator(mode="after")
    def _unique_sources(self) -> HandshakeConfig:
        fail_if(duplicates("sources", [s.name for s in self.sources], "name"))
        return self

    @model_validator(mode="after")
    def _shift_needs_hours(self) -> HandshakeConfig:
        if self.routing.on_shift_only and self.business_hours is None:
            msg = "needs business_hours (the working hours a shift is); add business_hours"
            fail([(("routing", "on_shift_only"), f"{msg} or set on_shift_only: false")])
        return self

    @model_validator(mode="after")
    def _roster(self) -> HandshakeConfig:
        people = [(i, dict(p)) for i, p in enumerate(self.people)]
        teams = [(i, dict(t)) for i, t in enumerate(self.teams)]
        team_names = {t.name for t in self.teams}
        refs = {p.slack_id for p in self.people if p.slack_id}
        refs |= {p.email.casefold() for p in self.people}
        fail_if(roster_problems(people, teams, team_names, refs))
        return self

    def source(self, name: str) -> SourceConfig | None:
        return source_for(self.sources, name)

    def person(self, slack_id: str) -> PersonConfig | None:
        return next((p for p in self.people if p.slack_id == slack_id), None)

    @property
    def as_written(self) -> HandshakeConfig:
        """The config before its emails were looked up (itself, if none were)."""
        return self._as_written or self

    def by_email(self) -> list[tuple[int, PersonConfig]]:
        """People given by email alone, with their index: their Slack IDs are not known
        until the roster is resolved (bot/config/by_email.py)."""
        return [(i, p) for i, p in enumerate(self.people) if p.slack_id is None]

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

    def reason(self, kind: Literal["reject", "handback", "disqualify"], code: str) -> Reason | None:
        reasons = {"reject": self.reasons.reject, "disqualify": self.reasons.disqualify}.get(
            kind, self.reasons.handback
        )
        return next((r for r in reasons if r.code == code), None)


# --- entry points ------------------------------------------------------------------------------


def parse_config(data: object, *, environ: Mapping[str, str] | None = None) -> HandshakeConfig:
    """Validate parsed YAML. Raises ConfigError listing every problem found. Secrets named by
    `*_env` keys are read from `environ` (default: the process environment)."""
    if not isinstance(data, Mapping):
        kind = kind_of(data)
        raise ConfigError([f"config: should be a mapping of keys (handoff_channel, …), not {kind}"])
    try:
        context = {"environ": environ} if environ is not None else None
        return HandshakeConfig.model_validate(data, context=context)
    except ValidationError as exc:
        lines = problem_lines(exc, HandshakeConfig)
        # The roster check did not run if any field failed: run it on what did validate.
        if not any(e["type"] == "config_problems" and not e["loc"] for e in exc.errors()):
            salvage = salvage_roster(data, PersonConfig, TeamConfig)
            lines += [f"{key_path(loc)}: {msg}" for loc, msg in salvage]
        raise ConfigError(lines) from exc


def load_config(path: str | Path, *, environ: Mapping[str, str] | None = None) -> HandshakeConfig:
    """Read and validate a YAML config file.

    Raises ConfigError with `.path` set: a file-level problem (missing, unreadable, bad YAML,
    not a mapping) is one line naming the file; otherwise the "key.path: message" lines.
    """
    data = read_config_file(path)
    try:
        return parse_config(data, environ=environ)
    except ConfigError as exc:
        raise ConfigError(exc.problems, str(path)) from exc
