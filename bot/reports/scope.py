"""Who sees what (DESIGN §4): an admin everyone, a manager their team, a rep their own
hand-offs. Marketers own no hand-offs: they see every team's numbers (as admins do), read
only: no decision, nudge or reassign buttons on anything shown to them."""

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
    read_only: bool = False  # marketers: they watch, they don't decide

    @property
    def owner_filter(self) -> frozenset[str] | None:
        """For the storage queries: None means no filter."""
        return None if self.kind == ALL else self.owners

    @property
    def manages(self) -> bool:
        """An admin or a manager: may act on other people's hand-offs in view."""
        return self.kind != OWN and not self.read_only

    @property
    def sees_others(self) -> bool:
        """More than the viewer's own hand-offs: figures by rep are shown."""
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


def scope_for(config: HandshakeConfig, viewer: str, *, marketers_see_all: bool = True) -> Scope:
    """`marketers_see_all` is kept for callers that pass it; marketers always see all now
    (a marketer owns no hand-offs, so their own scope was always empty)."""
    del marketers_see_all
    person = config.person(viewer)
    role = person.role if person else None
    if role == "admin":
        return Scope(viewer, ALL, frozenset())
    if role == "marketer":
        return Scope(viewer, ALL, frozenset(), read_only=True)
    teams = tuple(t.name for t in config.teams if t.manager == viewer)
    if role == "manager" and teams:
        members = {p.slack_id for p in config.people if p.team in teams}
        return Scope(viewer, TEAM, frozenset(members | {viewer}), teams)
    return Scope(viewer, OWN, frozenset({viewer}))
