"""What a person's App Home shows, by role, and the settings changed from it.

Reps (ae, sdr): their queue and their routing settings, and their part of the SDR → AE
stage (bot/services/home_meetings.py). Managers: their team today, both stages (and their
own queue when they hold leads). Admins: the same for everyone, plus failed
Slack calls and the failing outside destinations (webhooks, CRMs), each with a Retry
(bot/services/retry.py). Marketers: this week's hand-offs by campaign and the latest
decisions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.availability import aware
from bot.domain.away import show, zone_of
from bot.domain.dials import WeightParts
from bot.domain.leads import lead_label
from bot.domain.routing import CAPACITY_MAX
from bot.inputs import latest_date, parse_count, parse_date
from bot.runtime import Runtime
from bot.services import settings as person_settings
from bot.services.dials import TeamWeight, own_weight, team_weights
from bot.services.home_meetings import MeetingsView, meetings_for
from bot.services.sla_clock import first_touch_due
from storage import home as q
from storage.db import read_only
from storage.models import Person
from storage.people import get_person
from storage.sync_status import FailingDestination, failing_destinations

REP_ROLES = ("ae", "sdr")
PENDING_SHOWN = 20  # a rep's list; a manager's or admin's own list shows OWN_SHOWN
TOUCH_SHOWN = 20
OWN_SHOWN = 8
BREACHED_SHOWN = 15
RESPONDERS_SHOWN = 5
CAMPAIGNS_SHOWN = 20
REASONS_PER_CAMPAIGN = 3
LATEST_SHOWN = 10


@dataclass(frozen=True)
class PendingItem:
    handoff_id: int
    lead_label: str
    campaign: str | None
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class TouchItem:
    handoff_id: int
    lead_label: str
    accepted_at: datetime | None
    follow_up_due: datetime | None
    overdue: bool


@dataclass(frozen=True)
class Queue:
    pending: tuple[PendingItem, ...]
    pending_total: int
    touch: tuple[TouchItem, ...]
    touch_total: int

    @property
    def empty(self) -> bool:
        return not (self.pending_total or self.touch_total)


@dataclass(frozen=True)
class OwnSettings:
    away_until: date | None  # only when still in force
    capacity: int | None
    away_window: str | None = None  # a timed absence not over yet, in their zone
    status_text: str | None = None  # their Slack status says away: what it says


@dataclass(frozen=True)
class BreachedItem:
    handoff_id: int
    lead_label: str
    owner_name: str
    due_at: datetime


@dataclass(frozen=True)
class TeamView:
    scope: str  # "enterprise", or "" for everyone
    pending: int
    breached: int
    decisions: dict[str, int]  # accepted / rejected / handed_back this week
    per_team: tuple[q.TeamCounts, ...]  # admins: one row per team
    slowest: tuple[q.Responder, ...]
    breached_items: tuple[BreachedItem, ...]


@dataclass(frozen=True)
class CampaignItem:
    counts: q.CampaignCounts
    reasons: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DecisionItem:
    status: str
    lead_label: str
    campaign: str | None
    owner_name: str | None
    decider_name: str | None
    decided_at: datetime | None
    reason_label: str | None
    note: str | None
    routing_error: bool = False  # a wrong-owner reject: re-routed, not a verdict on the lead


@dataclass(frozen=True)
class MarketingView:
    campaigns: tuple[CampaignItem, ...]
    campaigns_total: int
    latest: tuple[DecisionItem, ...]


@dataclass(frozen=True)
class HomeData:
    name: str
    role: str | None  # None: not on the roster
    tz: str
    week_start: datetime
    queue: Queue | None = None
    settings: OwnSettings | None = None
    team: TeamView | None = None
    marketing: MarketingView | None = None
    failed_outbox: int = 0
    failing: tuple[FailingDestination, ...] = ()  # admins: webhooks and CRMs failing
    meetings: MeetingsView | None = None  # the SDR → AE stage (bot/services/home_meetings.py)
    weight: WeightParts | None = None  # a rep's weight of the day and its parts (dials)
    team_weights: tuple[TeamWeight, ...] = ()  # managers, admins: their reps' weights
    weight_range: tuple[float, float] = (0.0, 3.0)  # routing.weight_range: the dial's menu

    @property
    def on_roster(self) -> bool:
        return self.role is not None


def week_start(now: datetime, tz: str) -> datetime:
    """Monday 00:00 of this week in the config's time zone."""
    local = now.astimezone(ZoneInfo(tz))
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(tz))


def home_for(user_id: str, *, runtime: Runtime) -> HomeData:
    now, config = runtime.clock(), runtime.config
    since = week_start(now, config.timezone)
    with read_only(runtime.engine) as session:
        person = get_person(user_id, session=session)
        if person is None or not person.active:
            return HomeData(user_id, None, config.timezone, since)
        base = HomeData(person.name, person.role, person.tz or config.timezone, since)
        if person.role in REP_ROLES:
            meetings = meetings_for(
                person.role, user_id, None, session=session, config=config, now=now
            )
            # Home holds 100 blocks: each meeting shown leaves room for one lead fewer a list.
            fewer = meetings.shown if meetings else 0
            return replace(
                base,
                queue=_queue(
                    session, config, user_id, now, PENDING_SHOWN - fewer, TOUCH_SHOWN - fewer
                ),
                settings=_settings(person, now, runtime.config.timezone),
                meetings=meetings,
                weight=own_weight(person, now, config),
                weight_range=config.routing.weight_range,
            )
        if person.role == "marketer":
            return replace(base, marketing=_marketing(session, since))
        if person.role not in ("manager", "admin"):
            return base
        admin = person.role == "admin"
        teams = None if admin else _managed_teams(config, person)
        return replace(
            base,
            queue=_queue(session, config, user_id, now, OWN_SHOWN, OWN_SHOWN),
            team=_team(session, teams, now, since),
            meetings=meetings_for(
                person.role, user_id, teams, session=session, config=config, now=now
            ),
            failed_outbox=q.failed_outbox_count(session=session) if admin else 0,
            failing=tuple(failing_destinations(session=session)) if admin else (),
            team_weights=team_weights(teams, session=session, now=now, config=config),
        )


def _managed_teams(config: HandshakeConfig, person: Person) -> list[str]:
    teams = [t.name for t in config.teams if t.manager == person.slack_id]
    return teams or ([person.team] if person.team else [])


def _queue(
    session: Session,
    config: HandshakeConfig,
    owner: str,
    now: datetime,
    n_pending: int,
    n_touch: int,
) -> Queue:
    counts = q.queue_counts(owner, session=session)
    pending = tuple(
        PendingItem(h.id or 0, lead_label(lead), lead.campaign, h.due_at, h.due_at < now)
        for h, lead in q.pending_of(owner, session=session, limit=n_pending)
    )
    touch = []
    for row in q.awaiting_touch_of(owner, session=session, limit=n_touch):
        # The deadline as the card and the nudge say it (not the timer's, which moves).
        due = first_touch_due(row.handoff, row.lead, session=session, config=config)
        decided = row.handoff.decided_at
        late = due is not None and due < now
        touch.append(TouchItem(row.handoff.id or 0, lead_label(row.lead), decided, due, late))
    return Queue(pending, counts.pending, tuple(touch), counts.awaiting_touch)


def _settings(person: Person, now: datetime, fallback_zone: str) -> OwnSettings:
    today = now.astimezone(zone_of(person.tz, fallback_zone)).date()  # an away date is theirs
    away = person.away_until if person.away_until and person.away_until >= today else None
    window = None
    if person.away_to is not None and aware(person.away_to) > now:
        zone = zone_of(person.tz, fallback_zone)
        start = person.away_from
        begins = show(start, zone) if start is not None and aware(start) > now else "now"
        window = f"{begins} until {show(person.away_to, zone)}"
    said = (person.status_text or "away") if person.status_away else None
    return OwnSettings(away, person.capacity_per_day, window, said)


def _team(
    session: Session,
    teams: list[str] | None,
    now: datetime,
    since: datetime,
) -> TeamView:
    per_team = tuple(q.team_counts(teams, now, session=session))
    breached = tuple(
        BreachedItem(row.handoff.id or 0, lead_label(row.lead), row.owner.name, row.handoff.due_at)
        for row in q.breached(teams, now, session=session, limit=BREACHED_SHOWN)
    )
    return TeamView(
        scope=", ".join(teams) if teams is not None else "",
        pending=sum(t.pending for t in per_team),
        breached=sum(t.breached for t in per_team),
        decisions=q.decisions_since(teams, since, session=session),
        per_team=per_team if teams is None else (),
        slowest=tuple(q.slowest_responders(teams, since, session=session, limit=RESPONDERS_SHOWN)),
        breached_items=breached,
    )


def _marketing(session: Session, since: datetime) -> MarketingView:
    counts = q.campaign_counts(since, session=session, limit=CAMPAIGNS_SHOWN)
    reasons = q.top_reasons(
        since,
        [c.campaign for c in counts],
        session=session,
        per_campaign=REASONS_PER_CAMPAIGN,
    )
    by_campaign: dict[str, list[tuple[str, int]]] = {}
    for reason in reasons:
        by_campaign.setdefault(reason.campaign, []).append((reason.label, reason.count))
    latest = tuple(
        DecisionItem(
            row.handoff.status,
            lead_label(row.lead),
            row.lead.campaign,
            row.owner_name,
            row.decider_name,
            row.handoff.decided_at,
            row.handoff.reason_label,
            row.handoff.note,
            bool(row.handoff.routing_error),
        )
        for row in q.latest_decisions(session=session, limit=LATEST_SHOWN)
    )
    return MarketingView(
        tuple(CampaignItem(c, tuple(by_campaign.get(c.campaign, ()))) for c in counts),
        q.campaign_total(since, session=session) if len(counts) >= CAMPAIGNS_SHOWN else len(counts),
        latest,
    )


# -- settings changed on Home -------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """A setting picked on Home that cannot be taken; nothing changed."""

    problem: str  # NO_DATE, PAST, TOO_FAR or BAD_CAPACITY
    picked: date | None = None
    latest: date | None = None  # TOO_FAR: the last date that can be picked


NO_DATE, PAST, TOO_FAR, BAD_CAPACITY = "no_date", "past", "too_far", "bad_capacity"
HomeChange = person_settings.SettingChange | Refused


def change_away(user_id: str, picked: object, *, runtime: Runtime) -> HomeChange:
    """The "Away until" date picker: a date from the person's own today on (as the slash
    command counts it); anything else is refused."""
    zone = person_settings.zone_for(user_id, runtime=runtime)
    until, today = parse_date(picked), runtime.clock().astimezone(zone).date()
    if until is None:
        return Refused(NO_DATE)
    if until < today:
        return Refused(PAST, until)
    if until > latest_date(today):
        return Refused(TOO_FAR, until, latest_date(today))
    return person_settings.set_away(user_id, until, runtime=runtime)


def back(user_id: str, *, runtime: Runtime) -> HomeChange:
    """ "I'm back": new leads can reach the person again."""
    return person_settings.set_away(user_id, None, runtime=runtime)


def change_capacity(user_id: str, picked: object, *, runtime: Runtime) -> HomeChange:
    """The capacity menu: "off" (no cap) or a whole number of leads a day."""
    if picked == "off":
        return person_settings.set_capacity(user_id, None, runtime=runtime)
    capacity = parse_count(picked, low=1, high=CAPACITY_MAX)
    if capacity is None:
        return Refused(BAD_CAPACITY)
    return person_settings.set_capacity(user_id, capacity, runtime=runtime)
