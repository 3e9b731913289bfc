"""A hand-built history of hand-backs, whose every `/handshake recycled` figure is worked
out by hand in the tests that use it. Read at NOW (= START); `days` is how long before NOW
the lead was handed back; "later" is the lead's next hand-off, created after it.

    B   owner  reason          days  came back    later hand-off
    B1  Ana    N-TIMING        60    intake       accepted, first touch meeting_booked
    B2  Ana    N-TIMING        50    Re-engage    accepted, a Meeting row on it
    B3  Ana    N-TIMING        40    —
    B4  Ben    N-BUDGET        29    intake       rejected
    B5  Eve    N-BUDGET        20    Re-engage    pending
    B6  Sam    N-NONEED        10    Re-engage    accepted (no touch yet)
    B7  Ana    N-UNREACHABLE   100   intake       accepted: outside 90 days
    B8  Ana    N-OLD "Old one" 5     —            (a code the config no longer names)
    R1  Ana    rejected 10 days ago (R-SPAM): not a hand-back, never counted

Ana, Ben, Sam: enterprise (Maya's team); Eve: emea (Max's).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.events import log_event
from storage.models import ACCEPTED, HANDED_BACK, LEAD_HANDED_BACK, PENDING, REJECTED
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead, make_meeting

NOW = f.START
DAY = timedelta(days=1)

# name: (owner, reason code, days before NOW, came back by, the later hand-off's status)
HANDBACKS: dict[str, tuple[str, str, int, str | None, str | None]] = {
    "B1": (f.ANA, "N-TIMING", 60, "intake", ACCEPTED),
    "B2": (f.ANA, "N-TIMING", 50, "re_engage", ACCEPTED),
    "B3": (f.ANA, "N-TIMING", 40, None, None),
    "B4": (f.BEN, "N-BUDGET", 29, "intake", REJECTED),
    "B5": (f.EVE, "N-BUDGET", 20, "re_engage", PENDING),
    "B6": (f.SAM, "N-NONEED", 10, "re_engage", ACCEPTED),
    "B7": (f.ANA, "N-UNREACHABLE", 100, "intake", ACCEPTED),
    "B8": (f.ANA, "N-OLD", 5, None, None),
}


def build_recycled(session: Session) -> None:
    for name, (owner, code, days, by, status) in HANDBACKS.items():
        back_at = NOW - days * DAY
        lead = make_lead(session, status=LEAD_HANDED_BACK, created_at=back_at - DAY)
        handback = make_handoff(
            session,
            lead,
            owner_id=owner,
            status=HANDED_BACK,
            created_at=back_at - DAY,
            decided_at=back_at,
            decided_by=owner,
            reason_code=code,
            reason_label="Old one" if code == "N-OLD" else code.lower(),
        )
        if by is None:
            continue
        later_at = back_at + 3 * DAY
        touch = {"first_touch_at": later_at + DAY, "first_touch": "meeting_booked"}
        later = make_handoff(
            session,
            lead,
            owner_id=owner,
            status=status,
            created_at=later_at,
            previous_id=handback.id,
            **(touch if name == "B1" else {}),
        )
        if name == "B2":
            make_meeting(session, later, created_at=later_at + DAY)
        if by == "re_engage":
            log_event(
                "re_engaged",
                session=session,
                at=later_at,
                actor=owner,
                lead_id=lead.id,
                handoff_id=handback.id,
                new_handoff_id=later.id,
                owner=owner,
                reason_code=code,
            )
    make_handoff(
        session,
        owner_id=f.ANA,
        status=REJECTED,
        created_at=NOW - 11 * DAY,
        decided_at=NOW - 10 * DAY,
        reason_code="R-SPAM",
        reason_label="Spam",
    )
