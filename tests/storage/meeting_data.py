"""A hand-built SDR → AE history, whose every report figure is worked out by hand in the
tests that use it. Two SDRs (Sam, enterprise; Sol, emea), two AEs (Ana, Ben: enterprise).
Every meeting takes place at START + 1 day (M3, re-booked, at START + 2 days) and is
decided `hours` after it (M10 an hour before: counts as 0).

    H   SDR  hand-off   meeting  AE   outcome                  VALUE  PROFIT  COMPETE  hours
    H1  Sam  accepted   M1       Ana  accepted                 yes    yes     yes      2
    H2  Sam  accepted   M2       Ana  sent back (PROFIT)       yes    unsure  yes      4
                        M3       Ana  accepted (re-booked)     yes    yes     unsure   1
    H3  Sam  accepted   M4       Ben  rejected                 no     unsure  no       10
    H4  Sam  accepted   M5       Ben  pending                  yes    no      yes      -
    H5  Sol  accepted   M6       Ana  accepted                 unsure yes     yes      6
    H6  Sol  accepted   M7       Ben  sent back (PROFIT)       yes    no      unsure   3
    H7  Sol  accepted   M8       Ben  sent back (VALUE)        no     yes     yes      8
    H8  Sol  accepted   M9       Ana  rejected                 yes    yes     no       5
    H9  Sam  accepted   M10      Ben  accepted (+ BUDGET: no)  yes    yes     yes      -1
    H10 Sam  pending
    H11 Sol  rejected
    H12 Sam  accepted, no meeting yet
    H0  Sam  accepted 40 days before START, M0 (Ana, accepted; LEGACY: yes) then: outside

Read at NOW = START + 7 days over 30 days: H1–H12 and M1–M10 are in the window.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot.config import HandshakeConfig, parse_config
from storage.models import (
    ACCEPTED,
    LEAD_ACCEPTED,
    MEETING_ACCEPTED,
    MEETING_PENDING,
    MEETING_REJECTED,
    MEETING_SENT_BACK,
    PENDING,
    REJECTED,
)
from tests import factories as f
from tests.storage.conftest import make_handoff, make_lead, make_meeting

SOL = "U0SDR0002"
NOW = f.START + timedelta(days=7)
H = timedelta(hours=1)
DAY = timedelta(days=1)

ACC, SB, REJ, PEND = MEETING_ACCEPTED, MEETING_SENT_BACK, MEETING_REJECTED, MEETING_PENDING
# meeting: (hand-off, AE, status, failed criterion, answers VALUE/PROFIT/COMPETE, hours)
MEETINGS: dict[str, tuple[str, str, str, str | None, str, float | None]] = {
    "M1": ("H1", f.ANA, ACC, None, "yes yes yes", 2),
    "M2": ("H2", f.ANA, SB, "PROFIT", "yes unsure yes", 4),
    "M3": ("H2", f.ANA, ACC, None, "yes yes unsure", 1),
    "M4": ("H3", f.BEN, REJ, None, "no unsure no", 10),
    "M5": ("H4", f.BEN, PEND, None, "yes no yes", None),
    "M6": ("H5", f.ANA, ACC, None, "unsure yes yes", 6),
    "M7": ("H6", f.BEN, SB, "PROFIT", "yes no unsure", 3),
    "M8": ("H7", f.BEN, SB, "VALUE", "no yes yes", 8),
    "M9": ("H8", f.ANA, REJ, None, "yes yes no", 5),
    "M10": ("H9", f.BEN, ACC, None, "yes yes yes", -1),
}
HANDOFFS = {  # hand-off: (SDR, status)
    **{f"H{i}": (f.SAM, ACCEPTED) for i in (1, 2, 3, 4, 9, 12)},
    **{f"H{i}": (SOL, ACCEPTED) for i in (5, 6, 7, 8)},
    "H10": (f.SAM, PENDING),
    "H11": (SOL, REJECTED),
}


def meeting_config() -> HandshakeConfig:
    """The test roster and Sol, a second SDR, in team emea (Max's)."""
    data = f.config_data(routing={"first_line": "sdr"})
    data["people"] = [
        *data["people"],
        {"slack_id": SOL, "name": "Sol Santos", "email": "sol@example.com", "role": "sdr",
         "team": "emea"},
    ]  # fmt: skip
    return parse_config(data)


def _answers(words: str) -> list[dict[str, Any]]:
    codes = ("VALUE", "PROFIT", "COMPETE")
    return [
        {"code": code, "answer": answer, "comment": f"{code.lower()} comment"}
        for code, answer in zip(codes, words.split(), strict=True)
    ]


def build_meetings(session: Session) -> dict[str, int]:
    """The history above; returns the meeting ids by name."""
    handoffs = {}
    for name, (sdr, status) in HANDOFFS.items():
        lead = make_lead(session, status=LEAD_ACCEPTED, created_at=f.START)
        decided = f.START + H if status != PENDING else None
        handoffs[name] = make_handoff(
            session, lead, owner_id=sdr, status=status, decided_by=sdr, decided_at=decided
        )
    ids = {}
    for name, (h, ae, status, failed, words, hours) in MEETINGS.items():
        meeting_at = f.START + (2 * DAY if name == "M3" else DAY)
        answers = _answers(words)
        if name == "M10":
            answers.append({"code": "BUDGET", "answer": "no", "comment": None})
        meeting = make_meeting(
            session,
            handoffs[h],
            ae_id=ae,
            status=status,
            meeting_at=meeting_at,
            created_at=meeting_at - 20 * H,
            decided_at=meeting_at + hours * H if hours is not None else None,
            decided_by=ae if hours is not None else None,
            failed_criterion=failed,
            answers=answers,
        )
        ids[name] = meeting.id
    old = f.START - timedelta(days=40)
    lead = make_lead(session, status=LEAD_ACCEPTED, created_at=old)
    h0 = make_handoff(session, lead, owner_id=f.SAM, status=ACCEPTED, created_at=old)
    m0 = make_meeting(
        session,
        h0,
        status=ACC,
        meeting_at=old + DAY,
        created_at=old,
        decided_at=old + DAY,
        decided_by=f.ANA,
        answers=[{"code": "LEGACY", "answer": "yes", "comment": None}, *_answers("no no no")],
    )
    ids["M0"] = m0.id
    return ids
