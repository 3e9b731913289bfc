"""`handshake init`: a commented handshake.yml to start from.

With a bot token, `people` is filled from the workspace's real users (users.list: names,
emails, time zones; bots, deactivated users and Slackbot left out). Roles are left for the
admin to set: every person starts as `ae` in the one team, to be corrected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from slack_sdk import WebClient

PAGE = 200  # users.list's recommended page size


@dataclass(frozen=True)
class Member:
    slack_id: str
    name: str
    email: str
    tz: str | None


def workspace_people(client: WebClient) -> list[Member]:
    """Every active human of the workspace who has an email, a page at a time."""
    people: list[Member] = []
    cursor: str | None = None
    while True:
        page = client.users_list(limit=PAGE, **({"cursor": cursor} if cursor else {}))
        for user in page.get("members") or []:
            profile = user.get("profile") or {}
            email = profile.get("email")
            if user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT":
                continue
            if not email:
                continue
            name = user.get("real_name") or profile.get("real_name") or user.get("name") or email
            people.append(Member(str(user["id"]), str(name), str(email), user.get("tz")))
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return people


def _q(value: str) -> str:
    """A YAML scalar, quoted only when it must be."""
    return (
        yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
        .strip()
        .removesuffix("...")
        .strip()
    )


HEADER = """\
# handshake.yml: Handshake's configuration (every key: handshake.example.yml).
# Written by `handshake init`. Check it with `handshake check-config`, then
# `handshake doctor` once SLACK_BOT_TOKEN and DATABASE_URL are set.

# The channel the hand-off cards go to: channel details → About → Channel ID.
# Invite the bot there (/invite @handshake).
handoff_channel: {channel}

# Business time zone (IANA name): the default for people without their own.
timezone: {timezone}

# Who gets leads. A person is given by slack_id, or by email alone (Handshake looks the ID
# up in Slack). role: ae | sdr | manager | marketer | admin. ae, sdr and manager need a team.
"""

TEMPLATE_PEOPLE = """\
people:
  - slack_id: U0AE00001          # in Slack: profile → ⋯ → Copy member ID
    name: Ana Example
    email: ana@example.com
    role: manager
    team: sales
"""

FOOTER = """
# Each team has a manager (slack_id or email of a person above with role manager or admin).
teams:
  - name: sales
    manager: {manager}             # TODO: the team's manager
    countries: []                  # lead.country values routed to this team; [] = the rest

# What a qualified lead is: its score and the fields it must have.
contract:
  version: "1.0"
  min_score: 50
  require: [email, company]
"""


def render(people: list[Member], *, channel: str = "C0HANDOFF1", timezone: str = "UTC") -> str:
    """The file's text. `people` empty: a one-person example roster to edit."""
    text = HEADER.format(channel=channel, timezone=timezone)
    if not people:
        return text + TEMPLATE_PEOPLE + FOOTER.format(manager="U0AE00001")
    text += f"# From the workspace's {len(people)} active users: set each role and team,\n"
    text += "# and remove whoever takes no leads.\n"
    text += "people:\n"
    for i, m in enumerate(people):
        text += f"  - slack_id: {m.slack_id}\n"
        text += f"    name: {_q(m.name)}\n"
        text += f"    email: {_q(m.email)}\n"
        text += (
            "    role: manager          # TODO: the role\n"
            if i == 0
            else ("    role: ae               # TODO: the role\n")
        )
        text += "    team: sales\n"
        if m.tz:
            text += f"    timezone: {m.tz}\n"
    return text + FOOTER.format(manager=people[0].slack_id)
