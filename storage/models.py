"""SQLModel tables. Every datetime is timezone-aware UTC."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

# Hand-off statuses.
PENDING = "pending"
ACCEPTED = "accepted"
REJECTED = "rejected"
HANDED_BACK = "handed_back"
REASSIGNED = "reassigned"
EXPIRED = "expired"
DECIDED = (ACCEPTED, REJECTED, HANDED_BACK)

# Lead statuses.
LEAD_NURTURE = "nurture"
LEAD_ROUTED = "routed"
LEAD_ACCEPTED = "accepted"
LEAD_REJECTED = "rejected"
LEAD_HANDED_BACK = "handed_back"
LEAD_WAITING = "waiting"  # routing.on_shift_only: nobody on shift yet (a LeadWait row)

# Outbox statuses.
OUT_PENDING = "pending"
OUT_SENDING = "sending"  # a call is (or was, before a crash) in flight: outcome unknown
OUT_DONE = "done"
OUT_FAILED = "failed"

# Outbox lanes: each has its own worker, so a slow destination never delays another lane.
LANE_SLACK = "slack"  # cards, DMs, thread replies, the digest
LANE_WEBHOOK = "webhook"  # signed webhooks (destination: the URL)
LANE_CRM = "crm"  # CRM write-back (destination: "hubspot", "salesforce")
LANES = (LANE_SLACK, LANE_WEBHOOK, LANE_CRM)


# Constraint and index names, so a revision autogenerate writes names every constraint the
# same way on every database. They are PostgreSQL's own defaults (and SQLModel's `ix_…`),
# so the names the existing migrations left unnamed, and PostgreSQL named, stay as they are
# (tests/storage/test_migrations.py checks it). A CHECK constraint must be given a name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
# Before the first table below: a constraint is named as it joins its table.
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def json_column() -> Any:
    return Field(default=None, sa_column=Column(JSON))


class Person(SQLModel, table=True):
    slack_id: str = Field(primary_key=True, max_length=32)
    name: str
    email: str = Field(index=True)
    role: str  # ae | sdr | manager | marketer | admin
    team: str | None = Field(default=None, index=True)
    position: int = 0  # order in the config roster: the round-robin order
    active: bool = True  # still in the config
    tz: str | None = None  # from users.info, cached
    away_until: date | None = None
    capacity_per_day: int | None = None
    settings_from_slack: bool = False  # away/capacity were set in Slack: config no longer overrides
    weight: float = 1.0  # from the config: their share of the round robin
    ramp_start: date | None = None  # from the config: a new rep's ramp (bot/domain/weights.py)
    ramp_weeks: int | None = None
    dial_weight: float | None = None  # set in Slack (`/handshake dial`, Home): replaces weight
    dial_until: date | None = None  # the dial's last day; None: until dialed again
    dial_by: str | None = None  # who dialed: the person or their manager
    away_from: datetime | None = None  # a timed absence (`/handshake away … until …`), UTC
    away_to: datetime | None = None
    status_away: bool = False  # their Slack status says away (routing.away_status)
    status_text: str | None = None  # that status, as Slack gave it
    deactivated: bool = False  # Slack says the account is deactivated (`deleted: true`)


class Lead(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_lead_source_external"),
        # Reports: leads received in a period, by campaign and status, from the index alone.
        Index("ix_lead_created_campaign_status", "created_at", "campaign", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    external_id: str = Field(max_length=255)
    email: str = Field(index=True, max_length=320)
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    company_domain: str | None = Field(default=None, index=True)
    # The account key (storage/accounts.account_domain): the company domain's registrable
    # domain, else the email's unless free mail. Leads of one account meet on it.
    account_domain: str | None = Field(default=None, index=True, max_length=255)
    country: str | None = None
    industry: str | None = None
    employees: int | None = None
    score: float | None = None
    campaign: str | None = Field(default=None, index=True)
    activities: list[dict[str, Any]] | None = json_column()
    owner_email: str | None = None
    notes: str | None = None
    crm_url: str | None = None
    extra: dict[str, Any] | None = json_column()
    status: str = Field(default=LEAD_NURTURE, index=True)
    nurture_reason: str | None = None
    revisit_at: datetime | None = None
    created_at: datetime = Field(index=True)
    updated_at: datetime


class Handoff(SQLModel, table=True):
    __table_args__ = (
        Index("ix_handoff_owner_status", "owner_id", "status"),
        Index("ix_handoff_status_due", "status", "due_at"),
        Index("ix_handoff_owner_created", "owner_id", "created_at"),  # a team's or rep's report
    )

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="lead.id", index=True)
    owner_id: str = Field(foreign_key="person.slack_id")
    team: str | None = None
    rule: str  # crm_owner | account | round_robin | manager_fallback | reroute
    contract_version: str
    signals: list[str] | None = json_column()  # names of the contract signals the lead matched
    status: str = Field(default=PENDING)
    created_at: datetime = Field(index=True)
    due_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason_code: str | None = None
    reason_label: str | None = None
    note: str | None = None
    revisit_on: date | None = None
    routing_error: bool = False
    previous_id: int | None = Field(default=None, foreign_key="handoff.id")
    tier: str | None = None  # the SLA tier that set its clock
    first_touch_at: datetime | None = None  # accepted leads: the first follow-up logged
    first_touch: str | None = None  # contacted | meeting_booked | disqualified
    touched_by: str | None = None
    touch_reason_code: str | None = None
    touch_reason_label: str | None = None
    touch_note: str | None = None
    reassign_reason: str | None = None  # why this hand-off was taken from its owner
    persona: str | None = None  # what sales learned (config insights codes), on a Reject,
    decision_role: str | None = None  # Hand back or Disqualify after contact
    objection: str | None = None
    owner_channel: str | None = None  # DM channel of the owner's card, once posted
    owner_ts: str | None = None
    channel_id: str | None = None  # handoff_channel card, once posted
    channel_ts: str | None = None


# Meeting statuses: the AE's decision on a meeting the SDR booked.
MEETING_PENDING = "pending"
MEETING_ACCEPTED = "accepted"  # into the AE's pipeline
MEETING_SENT_BACK = "sent_back"  # back to the SDR, with the criterion that failed
MEETING_REJECTED = "rejected"
MEETING_DECIDED = (MEETING_ACCEPTED, MEETING_SENT_BACK, MEETING_REJECTED)


class Meeting(SQLModel, table=True):
    """The second hand-off: an SDR who accepted a lead books a meeting for an AE, with the
    answers to the team's qualification criteria; the AE accepts it into pipeline, sends it
    back to the SDR (naming the criterion that failed) or rejects it. A lead sent back can
    be booked again: a new row, the earlier one kept as history."""

    __table_args__ = (
        Index("ix_meeting_ae_status", "ae_id", "status"),
        Index("ix_meeting_sdr_status", "sdr_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True)  # the SDR's accepted hand-off
    lead_id: int = Field(foreign_key="lead.id", index=True)
    sdr_id: str = Field(foreign_key="person.slack_id")
    ae_id: str = Field(foreign_key="person.slack_id")
    ae_rule: str  # account | sent_back_by | round_robin | manager_fallback | chosen (SDR picked)
    meeting_at: datetime  # when the meeting takes place; the AE's clock counts from it
    criteria_version: str  # qualification.version in force when booked
    # [{"code": "VALUE", "answer": "yes" | "unsure" | "no", "comment": str | None}, …]
    answers: list[dict[str, Any]] | None = json_column()
    note: str | None = None  # the SDR's
    status: str = Field(default=MEETING_PENDING)
    created_at: datetime = Field(index=True)
    due_at: datetime  # meeting_at + sla.meeting.decide_within
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason_code: str | None = None  # Reject: a reject reason
    reason_label: str | None = None
    failed_criterion: str | None = None  # Send back: the criterion's code
    decision_note: str | None = None  # the AE's
    ae_channel: str | None = None  # DM channel of the AE's card, once posted
    ae_ts: str | None = None


# Dispute statuses: a marketer's challenge of a Reject or Hand back, and the manager's ruling.
DISPUTE_OPEN = "open"
DISPUTE_UPHELD = "upheld"
DISPUTE_OVERTURNED = "overturned"


class Dispute(SQLModel, table=True):
    """A marketer (or an admin) disputes a hand-off's Reject or Hand back; the owner's
    manager upholds or overturns it. One per decision: the hand-off id is unique. An
    overturned decision no longer counts against marketing in the reject figures, and the
    lead goes to the next eligible person who has not held it (`new_handoff_id`)."""

    __table_args__ = (
        UniqueConstraint("handoff_id", name="uq_dispute_handoff"),
        Index("ix_dispute_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id")  # the disputed decision
    lead_id: int = Field(foreign_key="lead.id", index=True)
    disputed_by: str = Field(foreign_key="person.slack_id")
    why: str
    manager_id: str  # who rules: the owner's manager when disputed
    status: str = Field(default=DISPUTE_OPEN)
    created_at: datetime
    settled_at: datetime | None = None
    settled_by: str | None = None
    settle_note: str | None = None
    new_handoff_id: int | None = Field(default=None, foreign_key="handoff.id")  # overturned


class Event(SQLModel, table=True):
    """Append-only log: who did what, when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    kind: str = Field(index=True)
    actor: str  # a Slack user ID, or "intake" / "system"
    lead_id: int | None = Field(default=None, index=True)
    handoff_id: int | None = Field(default=None, index=True)
    data: dict[str, Any] | None = json_column()


class Outbox(SQLModel, table=True):
    """An outgoing call to make (Slack, a webhook, a CRM). Never deleted: it ends done or
    failed. Outside lanes deliver one destination's rows for one lead in id order."""

    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_lane_status_next", "lane", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # post_card | update_card | dm | … | webhook | hubspot | salesforce
    lane: str = Field(default=LANE_SLACK)  # slack | webhook | crm
    destination: str | None = None  # outside lanes: the webhook URL, "hubspot", "salesforce"
    # Named as migration 0007 named it (its batch rebuild needed a name), not by convention.
    lead_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("lead.id", name="fk_outbox_lead_id_lead")]
    )  # orders outside lanes
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id", index=True)
    target: str  # owner | channel
    payload: dict[str, Any] | None = json_column()
    status: str = Field(default=OUT_PENDING)
    attempts: int = 0
    maybe_sent: bool = False  # an earlier attempt may have reached Slack: look before posting again
    next_attempt_at: datetime
    last_error: str | None = None
    created_at: datetime
    updated_at: datetime
    # The delivery worker that took it (`DeliveryWorker.holder`): a restarted delivery
    # process, which keeps its parent's holder, takes back at once what its predecessor left
    # `sending` (`outbox.take_back`) instead of waiting out the lease.
    claimed_by: str | None = Field(default=None, max_length=100)


# Timer kinds and statuses.
REMIND = "remind"  # nudge the owner: still no decision
ESCALATE = "escalate"  # tell the owner's manager
REASSIGN = "reassign"  # move the lead to the next eligible person
FOLLOW_UP = "follow_up"  # accepted, no first touch: nudge the owner
FOLLOW_UP_ESCALATE = "follow_up_escalate"  # still none: tell the manager
MEETING_REMIND = "meeting_remind"  # the AE has not decided on a meeting: nudge them
MEETING_ESCALATE = "meeting_escalate"  # still not: tell the AE's manager
REVISIT = "revisit"  # a handed-back lead's revisit date: ask the previous owner (recycle)
DISPUTE_REMIND = "dispute_remind"  # a dispute still open: nudge the owner's manager
DISPUTE_ESCALATE = "dispute_escalate"  # still open: tell the admins
TIMER_PENDING = "pending"
TIMER_FIRED = "fired"
TIMER_CANCELLED = "cancelled"


class Timer(SQLModel, table=True):
    """Due work. The scheduler tick claims due rows with a compare-and-set on status."""

    __table_args__ = (
        Index("ix_timer_status_due", "status", "due_at"),
        Index("ix_timer_handoff_status", "handoff_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    handoff_id: int = Field(foreign_key="handoff.id")
    # These two are named as migrations 0010 and 0011 named them, not by the convention.
    meeting_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("meeting.id", name="fk_timer_meeting_id_meeting")]
    )  # meeting_* kinds
    dispute_id: int | None = Field(
        default=None, sa_column_args=[ForeignKey("dispute.id", name="fk_timer_dispute_id_dispute")]
    )  # dispute_* kinds
    recipient: str | None = None  # who is told (for nudges: the owner; escalations: manager)
    due_at: datetime
    status: str = Field(default=TIMER_PENDING)
    created_at: datetime
    fired_at: datetime | None = None
    note: str | None = None  # why it fired, was deferred, or was cancelled


class LeadWait(SQLModel, table=True):
    """A qualified lead that arrived when nobody was on shift (`routing.on_shift_only`). The
    tick claims it at `due_at` (the first shift start, or `give_up_at`, whichever is first)
    with a compare-and-set on status, and routes it: to whoever is on shift by then, else,
    once `give_up_at` (arrival + `routing.max_wait`) has passed, to the team's manager."""

    __table_args__ = (Index("ix_leadwait_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="lead.id", index=True)
    arrived_at: datetime
    give_up_at: datetime
    due_at: datetime
    status: str = Field(default=TIMER_PENDING)  # pending | fired
    signals: list[str] | None = json_column()  # the contract signals the lead matched
    fired_at: datetime | None = None


class RoutingCursor(SQLModel, table=True):
    """Where the round robin of a team and role stands; survives restarts."""

    team: str = Field(primary_key=True)
    role: str = Field(primary_key=True)
    last_slack_id: str | None = None
    # Each person's pass in the weighted round robin (bot/domain/routing.weighted_turn).
    passes: dict[str, float] | None = json_column()


class SeenRequest(SQLModel, table=True):
    """The identity of every Slack event, click, form submission and slash command already
    handled, so a retried or replayed request repeats nothing (storage/requests.py). Rows
    older than a day are pruned by `at`."""

    __table_args__ = (Index("ix_seenrequest_at", "at"),)

    key: str = Field(primary_key=True, max_length=255)
    at: datetime


CLICK_PENDING = "pending"
CLICK_RUNNING = "running"  # taken by a delivery process (or was, before it died)
CLICK_DONE = "done"
CLICK_FAILED = "failed"


class QueuedClick(SQLModel, table=True):
    """A one-click button's work after its ack, queued by the web process for the delivery
    process (`serve` with HANDSHAKE_DELIVERY=process; handlers/later.py). Queued in the
    transaction that claims the click's request key, so a replay never queues it twice;
    taken with a compare-and-set (`FOR UPDATE SKIP LOCKED` on PostgreSQL); one left
    `running` by a process that died is taken again after a minute, or at once by the
    delivery process its parent starts in its place (the same holder, `taken_by`). Rows
    settled more than a day ago are pruned by `queued_at` (storage/clicks.py)."""

    __table_args__ = (Index("ix_queuedclick_status_queued", "status", "queued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)  # the request key (handlers/dedupe)
    action_id: str
    user_id: str
    body: dict[str, Any] | None = json_column()  # Slack's block_actions payload
    status: str = Field(default=CLICK_PENDING)
    queued_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    error: str | None = None
    taken_by: str | None = Field(default=None, max_length=100)  # the delivery holder


class DigestRun(SQLModel, table=True):
    """One scheduled weekly digest. The unique period start makes its insert the claim: the
    instance whose INSERT commits posts it; any other gets an IntegrityError and moves on."""

    __table_args__ = (UniqueConstraint("period_start", name="uq_digestrun_period_start"),)

    id: int | None = Field(default=None, primary_key=True)
    period_start: datetime  # the previous slot; the period is [period_start, period_end)
    period_end: datetime  # the scheduled slot
    created_at: datetime
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    posted_at: datetime | None = None
    channel: str | None = None
    ts: str | None = None
    file_id: str | None = None  # the chart; None when posted without one
    note: str | None = None  # why a slot was recorded but not posted (the schedule's first)


class OutboxResult(SQLModel, table=True):
    """What an outbox row achieved in Slack, kept for later work: where a DM went (so a
    nudge or an escalation can be updated in place once the lead moves on), and the file a
    digest's chart was uploaded as (so a retry reuses it rather than uploading again)."""

    outbox_id: int = Field(primary_key=True, foreign_key="outbox.id")
    channel: str | None = None
    ts: str | None = None
    file_id: str | None = None
    updated_at: datetime


class ImportRun(SQLModel, table=True):
    """One CSV file imported into one source (`handshake import`): how far it got, committed
    with each batch of rows, so an interrupted import resumes after the last batch."""

    __table_args__ = (UniqueConstraint("file_sha256", "source", name="uq_importrun_file_source"),)

    id: int | None = Field(default=None, primary_key=True)
    file_sha256: str = Field(max_length=64)
    source: str = Field(max_length=100)
    file_name: str  # as given on the command line, for people reading the table
    rows_total: int
    rows_done: int = 0  # data rows handled, in file order
    routed: int = 0
    nurture: int = 0
    duplicate: int = 0
    errors: int = 0
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class ChannelPacing(SQLModel, table=True):
    """Shared pacing state, so several instances together keep within Slack's limits.

    Two kinds of row, told apart by `key`:
    - a token bucket (`tokens`, refilled at the caller's rate since `refilled_at`), keyed
      by what a limit applies to: `chat.postMessage:<channel>` or a method (`chat.update`);
    - a delivery key (`slack:<channel>`): `blocked_until` (the outbox's clock; a 429's
      Retry-After, or the retry of the key's oldest row, which must go first) and the
      instance delivering its rows in order (`holder` until `held_until`).
    Real-time fields (`refilled_at`, `held_until`) are Unix seconds."""

    key: str = Field(primary_key=True, max_length=300)
    tokens: float = 0.0
    refilled_at: float = 0.0
    blocked_until: datetime | None = None
    holder: str | None = Field(default=None, max_length=100)
    held_until: float = 0.0


class ContractRecord(SQLModel, table=True):
    """Each qualification contract loaded (at a start or a reload) that differed from the
    one before it, in order. `previous_id` is unique (0 for the first): of instances that
    record a change at once, one insert wins and the others see its record."""

    __table_args__ = (UniqueConstraint("previous_id"),)

    id: int | None = Field(default=None, primary_key=True)
    previous_id: int
    version: str = Field(index=True)
    fingerprint: str  # sha256 of the definition's canonical JSON
    definition: dict[str, Any] | None = json_column()  # contract.model_dump(by_alias=True)
    recorded_at: datetime
