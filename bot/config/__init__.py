"""The YAML config (DESIGN §2): roster, qualification contract, SLA, reasons, routing.

`load_config(path)` / `parse_config(data)` return a validated, immutable `HandshakeConfig`
or raise `ConfigError` whose `.problems` lists every problem as "key.path: message".

- `model`: the models and the entry points (`HandshakeConfig`, `load_config`, …)
- `scalars`: the scalar types (Slack IDs, emails, time zones, …) and the models' base
- `sources`: systems that push leads (HubSpot, Salesforce, any JSON)
- `crm`: CRM write-back (HubSpot, Salesforce) and people's crm_ids
- `sla`: the SLA, its tiers and business hours; `digest`: the weekly digest's schedule
- `reasons`: reject and hand-back reasons; `durations`: "4h" ↔ timedelta, and wait wording
- `routing`: weights, dials' range, the quarter-end boost, ramps, on-shift, away statuses
- `roster`: roster cross-checks; `errors`: problem wording; `loader`: reading the file

Every public name of the config is importable from here. Modules of this package import
each other directly, never through this one.
"""

from bot.config.crm import CrmConfig, CrmIds, HubSpotConfig, SalesforceConfig
from bot.config.digest import DigestConfig
from bot.config.errors import ConfigError, Loc, Problem
from bot.config.model import (
    ContractConfig,
    HandshakeConfig,
    PersonConfig,
    ReasonsConfig,
    SignalConfig,
    TeamConfig,
    load_config,
    parse_config,
)
from bot.config.routing import QuarterEndConfig, RampConfig, RoutingConfig
from bot.config.scalars import DAYS, LEAD_FIELDS, MANAGER_ROLES, ROLES, TEAM_ROLES, Day, Role
from bot.config.sla import SLA_KEYS, BusinessHoursConfig, SlaConfig, TierConfig, TierWhen
from bot.config.sources import SourceConfig

__all__ = [
    "DAYS", "LEAD_FIELDS", "MANAGER_ROLES", "ROLES", "SLA_KEYS", "TEAM_ROLES",
    "BusinessHoursConfig", "ConfigError", "ContractConfig", "CrmConfig", "CrmIds", "Day",
    "DigestConfig", "HandshakeConfig", "HubSpotConfig", "Loc",
    "PersonConfig", "Problem", "QuarterEndConfig", "RampConfig", "ReasonsConfig", "Role",
    "RoutingConfig", "SalesforceConfig",
    "SignalConfig", "SlaConfig", "SourceConfig",
    "TeamConfig", "TierConfig", "TierWhen", "load_config", "parse_config",
]  # fmt: skip
