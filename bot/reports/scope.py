"""Who sees what (DESIGN §4): an admin everyone, a manager their team, anyone else their
own hand-offs. Marketers see every lead and campaign where the report is about marketing's
work (`lead`, `campaigns`, `contract`): they are its audience."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.config import HandshakeConfig

Kind = Literal["all", "team", "own"]
ALL: Kind = "all"
TEAM: Kind = "team"
OWN: Kind = "own"


@dataclass(frozen=True)
class Scope:
    viewer: str
    kind: Kind
    owners: frozenset[str]  # whose hand-offs count (empty for ALL: everyone's)
    teams: tuple[str, ...] = ()  # the teams a manager manages

    @property
    def owner_filter(self) -> frozenset[str] | None:
        """For the storage queries: None means no filter."""
        return None if self.kind == ALL else self.owners

    @property
    def manages(self) -> bool:
        """An admin or a manager: may act on other people's hand-offs in view."""
        return self.kind != OWN

    def covers(self, owner_id: str) -> bool:
        return self.kind == ALL or owner_id in self.owners

    @property
    def label(self) -> str:
        if self.kind == ALL:
            return "everyone"
        if self.kind == TEAM:
            return "team " + ", ".join(self.teams)
        return "your own hand-offs"


def scope_for(config: HandshakeConfig, viewer: str, *, marketers_see_all: bool = False) -> Scope:
    person = config.person(viewer)
    role = person.role if person else None
    if role == "admin" or (role == "marketer" and marketers_see_all):
        return Scope(viewer, ALL, frozenset())
    teams = tuple(t.name for t in config.teams if t.manager == viewer)
    if role == "manager" and teams:
        members = {p.slack_id for p in config.people if p.team in teams}
        return Scope(viewer, TEAM, frozenset(members | {viewer}), teams)
    return Scope(viewer, OWN, frozenset({viewer}))
