"""Everything a card shows, loaded from the database in one place: the card's view-model
(`CardContext`, `HistoryItem`) lives here, with the code that fills it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import HandshakeConfig
from bot.domain.meetings import why_not_book
from bot.runtime import Runtime
from bot.services.meeting_cards import MeetingItem, meeting_items
from bot.services.sla_clock import first_touch_due
from storage.channel_cards import card_chain
from storage.db import read_only
from storage.disputes import dispute_for_handoff
from storage.handoffs import get_handoff, handoffs_for_lead
from storage.leads import get_lead
from storage.models import REASSIGNED, Handoff, Lead
from storage.people import get_person
from storage.sync_status import CrmSync, crm_sync_of


@dataclass(frozen=True)
class HistoryItem:
    """An earlier hand-off of the same lead, as shown on a new card."""

    owner_name: str
    status: str
    reason_label: str | None = None
    note: str | None = None
    decided_at: datetime | None = None
    revisit_on: date | None = None


@dataclass(frozen=True)
class DisputeLine:
    """The hand-off's dispute, as the channel card shows it (issue 14 §1)."""

    status: str  # open | upheld | overturned
    disputed_by_name: str
    settled_by_name: str | None = None
    new_owner_name: str | None = None
    rerouted: bool = True  # overturned: the lead was re-routed (False: back with sales already)


@dataclass(frozen=True)
class CardContext:
    lead: Lead
    handoff: Handoff
    owner_name: str
    owner_tz: str  # IANA; times are shown in the owner's time zone
    decided_by_name: str | None = None
    history: tuple[HistoryItem, ...] = ()
    reassigned_to_name: str | None = None
    # Reassigned to this owner: from whom (a name) and why (the stored reason); raw text.
    reassigned_from_name: str | None = None
    reassigned_from_reason: str | None = None
    follow_up_due: datetime | None = None  # accepted, no first touch yet: when one is due
    touched_by_name: str | None = None  # who logged the first touch; default: the owner
    crm_sync: tuple[CrmSync, ...] = ()  # the decision's write-back, one per CRM (issue 10 §3)
    # The SDR → AE stage: the hand-off's meetings (oldest first), and whether its SDR may
    # book one now (after a first touch, or a meeting sent back).
    meetings: tuple[MeetingItem, ...] = ()
    can_book: bool = False
    dispute: DisputeLine | None = None  # None: never disputed


def person_name(slack_id: str | None, *, session: Session) -> str | None:
    if slack_id is None:
        return None
    person = get_person(slack_id, session=session)
    return person.name if person else slack_id


def load_card_context(
    handoff_id: int, *, session: Session, config: HandshakeConfig
) -> CardContext | None:
    handoff = get_handoff(handoff_id, session=session)
    if handoff is None:
        return None
    lead = get_lead(handoff.lead_id, session=session)
    owner = get_person(handoff.owner_id, session=session)
    if lead is None:
        return None
    all_handoffs = handoffs_for_lead(lead.id or 0, session=session)
    history = tuple(
        HistoryItem(
            owner_name=person_name(h.owner_id, session=session) or h.owner_id,
            status=h.status,
            reason_label=h.reason_label,
            note=h.note,
            decided_at=h.decided_at,
            revisit_on=h.revisit_on,
        )
        for h in all_handoffs
        if h.id is not None and handoff.id is not None and h.id < handoff.id
    )
    successor = next((h for h in all_handoffs if h.previous_id == handoff.id), None)
    previous = next((h for h in all_handoffs if h.id == handoff.previous_id), None)
    reassigned_from = previous if previous is not None and previous.status == REASSIGNED else None
    meetings = meeting_items(handoff.id or 0, session=session, config=config)
    can_book = (
        why_not_book(
            first_line=config.routing.first_line,
            owner_role=owner.role if owner else None,
            handoff_status=handoff.status,
            first_touch=handoff.first_touch,
            last_meeting_status=meetings[-1].status if meetings else None,
        )
        is None
    )
    return CardContext(
        lead=lead,
        handoff=handoff,
        owner_name=owner.name if owner else handoff.owner_id,
        owner_tz=(owner.tz if owner and owner.tz else None) or config.timezone,
        decided_by_name=person_name(handoff.decided_by, session=session),
        history=history,
        reassigned_to_name=person_name(successor.owner_id, session=session) if successor else None,
        reassigned_from_name=(
            person_name(reassigned_from.owner_id, session=session) or reassigned_from.owner_id
            if reassigned_from
            else None
        ),
        reassigned_from_reason=reassigned_from.reassign_reason if reassigned_from else None,
        touched_by_name=person_name(handoff.touched_by, session=session),
        follow_up_due=first_touch_due(handoff, lead, session=session, config=config),
        crm_sync=tuple(crm_sync_of(handoff.id or 0, session=session)),
        meetings=meetings,
        can_book=can_book,
        dispute=_dispute_line(handoff.id or 0, session=session),
    )


def _dispute_line(handoff_id: int, *, session: Session) -> DisputeLine | None:
    dispute = dispute_for_handoff(handoff_id, session=session)
    if dispute is None:
        return None
    new = get_handoff(dispute.new_handoff_id, session=session) if dispute.new_handoff_id else None
    return DisputeLine(
        status=dispute.status,
        disputed_by_name=person_name(dispute.disputed_by, session=session) or dispute.disputed_by,
        settled_by_name=person_name(dispute.settled_by, session=session),
        new_owner_name=person_name(new.owner_id, session=session) if new else None,
        rerouted=dispute.new_handoff_id is not None,
    )


def card_details(handoff_id: int, *, runtime: Runtime) -> CardContext | None:
    """What the compact channel card's Details modal shows: the newest hand-off living on
    the card (a reassigned hand-off's card shows its successor), read-only."""
    with read_only(runtime.engine) as session:
        chain = card_chain(handoff_id, session=session)
        shown = chain[-1].id if chain else handoff_id
        ctx = load_card_context(shown or handoff_id, session=session, config=runtime.config)
        session.expunge_all()  # kept as read, not expired by the read's rollback
    return ctx
