"""People given by email alone (`people[].slack_id` left out): the roster resolved.

`resolve_roster(config, ids)` returns a copy of the config in which every person has a
slack_id and every `teams[].manager` given by email names that person's slack_id: the
config the bot runs on. `ids` maps a (casefolded) email to the Slack user ID that Slack
gave for it (users.lookupByEmail, in bot/services/roster_lookup.py); an email missing from
it is a config problem at `people[i].email`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.config.errors import ConfigError, key_path
from bot.config.roster import roster_problems

if TYPE_CHECKING:
    from bot.config.model import HandshakeConfig

UNKNOWN_EMAIL = (
    "{email} is not a user of this Slack workspace (users.lookupByEmail: users_not_found); "
    "correct the email, or give the person's slack_id"
)


def unknown_email_problem(index: int, email: str) -> str:
    return f"people[{index}].email: " + UNKNOWN_EMAIL.format(email=email)


def resolve_roster(config: HandshakeConfig, ids: Mapping[str, str]) -> HandshakeConfig:
    """The config with every person's slack_id known. Raises ConfigError naming each
    person whose email has no ID in `ids`, and any roster clash the IDs bring (two emails
    of one Slack user, an email whose user is also given by slack_id)."""
    missing = [
        unknown_email_problem(i, p.email)
        for i, p in config.by_email()
        if p.email.casefold() not in ids
    ]
    if missing:
        raise ConfigError(missing)
    people = [
        p if p.slack_id else p.model_copy(update={"slack_id": ids[p.email.casefold()]})
        for p in config.people
    ]
    by_email = {p.email.casefold(): p.slack_id for p in people}
    teams = [
        t.model_copy(update={"manager": by_email.get(t.manager.casefold(), t.manager)})
        if "@" in t.manager
        else t
        for t in config.teams
    ]
    problems = roster_problems(
        [(i, dict(p)) for i, p in enumerate(people)],
        [(i, dict(t)) for i, t in enumerate(teams)],
        {t.name for t in teams},
        {p.slack_id for p in people if p.slack_id},
    )
    if problems:
        lines = [f"{key_path(loc)}: {msg} (emails looked up in Slack)" for loc, msg in problems]
        raise ConfigError(lines)
    resolved = config.model_copy(update={"people": people, "teams": teams})
    resolved._as_written = config.as_written
    return resolved
