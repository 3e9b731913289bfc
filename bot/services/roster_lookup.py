"""People given by email alone: their Slack IDs, looked up with users.lookupByEmail.

Run at start (`handshake serve`), on a reload, on each daily refresh, in `check-config`
(with a token) and in `handshake doctor`. Slack's answer wins; when Slack cannot be asked
(down, token refused) the IDs stored in the `person` table at an earlier start are used,
so a restart without Slack still works. An email Slack does not know is a config error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot.config.by_email import resolve_roster, unknown_email_problem
from bot.config.errors import ConfigError
from storage.db import read_only, unit_of_work
from storage.migrate import lock_setup
from storage.people import PersonSeed, slack_ids_by_email, sync_people

if TYPE_CHECKING:
    from slack_sdk import WebClient
    from sqlalchemy import Engine

    from bot.config import HandshakeConfig
    from bot.runtime import Runtime

log = logging.getLogger("handshake.roster")


@dataclass
class Lookup:
    """What Slack said about each email (casefolded keys)."""

    ids: dict[str, str] = field(default_factory=dict)  # email → Slack user ID
    unknown: list[str] = field(default_factory=list)  # users_not_found
    deleted: list[str] = field(default_factory=list)  # found, but deactivated
    problem: str | None = None  # Slack could not be asked (the rest were not looked up)


def look_up(emails: list[str], *, client: WebClient) -> Lookup:
    from slack_sdk.errors import SlackApiError

    result = Lookup()
    for email in emails:
        try:
            user = client.users_lookupByEmail(email=email).get("user") or {}
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            if error == "users_not_found":
                result.unknown.append(email.casefold())
                continue
            result.problem = f"users.lookupByEmail failed: {error or exc}"
            if error == "missing_scope":
                result.problem += " (the token lacks users:read.email; reinstall the app)"
            return result
        except Exception as exc:  # network: Slack could not be asked
            result.problem = f"users.lookupByEmail failed: {exc}"
            return result
        if user.get("id"):
            result.ids[email.casefold()] = str(user["id"])
            if user.get("deleted"):
                result.deleted.append(email.casefold())
    return result


def stored_ids(emails: list[str], *, engine: Engine | None) -> dict[str, str]:
    """IDs stored at an earlier start; none when the database has no roster yet."""
    if engine is None or not emails:
        return {}
    try:
        with read_only(engine) as session:
            return slack_ids_by_email(emails, session=session)
    except SQLAlchemyError:
        return {}


def resolve_people(
    config: HandshakeConfig, *, client: WebClient | None, engine: Engine | None
) -> HandshakeConfig:
    """The config with every person's Slack ID known (see the module's docstring).
    Raises ConfigError for an email Slack does not know, or that cannot be looked up."""
    people = config.by_email()
    if not people:
        return config
    emails = [p.email for _, p in people]
    cached = stored_ids(emails, engine=engine)
    lookup = look_up(emails, client=client) if client else Lookup(problem="no Slack token")
    if lookup.unknown:
        raise ConfigError(
            [
                unknown_email_problem(i, p.email)
                for i, p in people
                if p.email.casefold() in lookup.unknown
            ]
        )
    ids = dict(lookup.ids)
    for email, slack_id in lookup.ids.items():
        if cached.get(email) not in (None, slack_id):
            log.warning("roster email=%s slack_id=%s (was %s)", email, slack_id, cached[email])
    if lookup.problem:
        for email, slack_id in cached.items():
            ids.setdefault(email, slack_id)
        missing = [(i, p) for i, p in people if p.email.casefold() not in ids]
        if missing:
            raise ConfigError(
                [
                    f"people[{i}].email: cannot look up {p.email} in Slack ({lookup.problem}) "
                    "and no earlier answer is stored; give their slack_id, or start once "
                    "with Slack reachable"
                    for i, p in missing
                ]
            )
        log.warning("roster from stored IDs: %s", lookup.problem)
    return resolve_roster(config, ids)


def seeds(config: HandshakeConfig) -> list[PersonSeed]:
    """The roster rows of a resolved config."""
    return [
        PersonSeed(
            slack_id=p.slack_id or "",
            name=p.name,
            email=p.email,
            role=p.role,
            team=p.team,
            tz=p.timezone,
            away_until=p.away_until,
            capacity_per_day=p.capacity_per_day,
            weight=p.weight,
            ramp_start=p.ramp.start if p.ramp else None,
            ramp_weeks=p.ramp.weeks if p.ramp else None,
        )
        for p in config.people
    ]


def refresh_roster(runtime: Runtime, *, client: WebClient) -> bool:
    """The daily refresh: look the emails up again; when an ID changed, load the roster
    and put the new config in force (as a reload does). True when it changed."""
    written = runtime.config.as_written
    if not written.by_email():
        return False
    try:
        new = resolve_people(written, client=client, engine=runtime.engine)
    except ConfigError as exc:
        log.error("roster refresh: %s", "; ".join(exc.problems))
        return False
    if [p.slack_id for p in new.people] == [p.slack_id for p in runtime.config.people]:
        return False
    with unit_of_work(runtime.engine) as session:
        lock_setup(session.connection())
        sync_people(seeds(new), session=session)
    runtime.swap_config(new)
    log.info("roster refresh: Slack IDs changed; roster reloaded")
    return True
