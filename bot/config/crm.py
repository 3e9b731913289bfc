"""The `crm` key of the config (issue 10 §2): writing decisions back to HubSpot and Salesforce,
and the `crm_ids` of a person (their owner id in each CRM).

Secrets never live in the YAML: the config names environment variables (`*_env`), read when
a call is made; one that is named but not set is a problem at its key path, like the
webhooks' (bot/config/environment.py). `crm_notes` says what is valid but probably
unintended (owner write-back on, but a person without an id in that CRM).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, model_validator

from bot.config.environment import EnvName, unset_problems
from bot.config.errors import fail_if
from bot.config.scalars import ConfigModel
from bot.crm_ids import NOT_A_HUBSPOT_ID, NOT_AN_ID, hubspot_id, salesforce_shaped


def _http_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ValueError(
            f'"{value}" is not an http(s) URL; expected one like https://api.hubapi.com'
        )
    return value.rstrip("/")


def _api_version(value: object) -> object:
    text = f"{value:.1f}" if isinstance(value, float) else str(value) if value is not None else ""
    text = text.removeprefix("v")
    if not re.fullmatch(r"\d{2,3}\.\d", text):
        raise ValueError(f'"{value}" is not a Salesforce API version; expected one like "60.0"')
    return text


def _owner_id(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _hubspot_owner(value: str) -> str:
    if hubspot_id(value) is None:
        raise ValueError(f'"{value[:40]}" {NOT_A_HUBSPOT_ID}')
    return value


def _salesforce_user(value: str) -> str:
    if not salesforce_shaped(value):
        raise ValueError(f'"{value[:40]}" {NOT_AN_ID}')
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
ApiVersion = Annotated[str, BeforeValidator(_api_version)]
# YAML reads unquoted digits as a number
OwnerId = Annotated[str, BeforeValidator(_owner_id), AfterValidator(_hubspot_owner)]
UserId = Annotated[str, AfterValidator(_salesforce_user)]


class CrmIds(ConfigModel):
    """A person's owner id in each CRM (people[].crm_ids), written as the owner on accept."""

    hubspot: OwnerId | None = None  # an owner id, digits ("51234567")
    salesforce: UserId | None = None  # a User id, 15 or 18 characters (005…)

    def holds(self, crm: str, value: str) -> bool:
        """`value` is this person's id in `crm`; a Salesforce id in either of its forms
        (15 characters, or 18 with the case suffix), as Outbound Messages send 18."""
        mine = getattr(self, crm, None)
        if mine is None:
            return False
        if crm == "salesforce" and salesforce_shaped(value):
            return mine[:15] == value[:15]
        return bool(mine == value)


class Statuses(ConfigModel):
    """The CRM status written for each outcome; a missing one leaves the status alone."""

    accepted: str | None = None
    rejected: str | None = None
    handed_back: str | None = None


class HubSpotProperties(ConfigModel):
    """Contact properties that receive the reason and the note (omitted: not written)."""

    reason: str | None = None
    note: str | None = None


class HubSpotConfig(ConfigModel):
    token_env: EnvName  # a private app's access token (Bearer)
    api_url: HttpUrl = "https://api.hubapi.com"
    sources: list[str] = Field(default=["hubspot"], min_length=1)  # external_id = contact id
    status_property: str = "hs_lead_status"
    statuses: Statuses = Statuses(
        accepted="IN_PROGRESS", rejected="UNQUALIFIED", handed_back="BAD_TIMING"
    )
    properties: HubSpotProperties = HubSpotProperties()
    owner: bool = False  # on accept: hubspot_owner_id from people[].crm_ids.hubspot
    notes: bool = True  # a note on the contact with the decision, reason and note

    @model_validator(mode="after")
    def _secrets_are_set(self, info: ValidationInfo) -> HubSpotConfig:
        fail_if(unset_problems(self, ("token_env",), info))
        return self


class SalesforceFields(ConfigModel):
    """Lead fields that receive the reason and the note (omitted: not written)."""

    reason: str | None = None
    note: str | None = None


class SalesforceConfig(ConfigModel):
    instance_url: HttpUrl
    client_id_env: EnvName  # OAuth 2.0 client credentials flow
    client_secret_env: EnvName
    api_version: ApiVersion = "60.0"
    sources: list[str] = Field(default=["salesforce"], min_length=1)  # external_id = Lead Id
    statuses: Statuses = Statuses(
        accepted="Working - Contacted",
        rejected="Closed - Not Converted",
        handed_back="Open - Not Contacted",
    )
    fields: SalesforceFields = SalesforceFields()
    owner: bool = False  # on accept: OwnerId from people[].crm_ids.salesforce
    tasks: bool = True  # a completed Task on the lead with the decision

    @model_validator(mode="after")
    def _secrets_are_set(self, info: ValidationInfo) -> SalesforceConfig:
        fail_if(unset_problems(self, ("client_id_env", "client_secret_env"), info))
        return self


class CrmConfig(ConfigModel):
    hubspot: HubSpotConfig | None = None
    salesforce: SalesforceConfig | None = None


def crm_notes(config: Any) -> list[str]:
    """Owner write-back is on, but some people who can own a lead have no id in that CRM:
    their decisions are written back without the owner (not an error: a rep may be new)."""
    crm: CrmConfig | None = config.crm
    notes = []
    for name in ("hubspot", "salesforce"):
        section = getattr(crm, name, None) if crm else None
        if not (section and section.owner):
            continue
        missing = [
            f"people[{i}] ({p.slack_id})"
            for i, p in enumerate(config.people)
            if p.role in ("ae", "sdr", "manager") and not (p.crm_ids and getattr(p.crm_ids, name))
        ]
        if missing:
            notes.append(
                f"crm.{name}.owner: {', '.join(missing)} have no crm_ids.{name}; "
                "their decisions are written back without the owner"
            )
    return notes
