"""The SDR → AE stage's events (`meeting.booked`, `meeting.accepted`, `meeting.sent_back`,
`meeting.rejected`) as text for a CRM note or Task: the meeting's time, the SDR and the AE,
the SDR's answers to the criteria (✓ / ? / ✗ question: comment), and the AE's decision
with its reason or the criterion that failed. Pure: no I/O.

The event body carries `data.meeting` ({"id", "sdr", "ae", "meeting_at", "criteria_version",
"answers": [{"code", "question", "answer", "comment"}], "note", "status", "decided_at",
"decided_by", "failed_criterion", "reason": {"code", "label"} | null, "decision_note"});
`crm_mapping` turns it into each CRM's write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MEETING_EVENTS = ("meeting.booked", "meeting.accepted", "meeting.sent_back", "meeting.rejected")
MEETING_LABELS = {
    "meeting.booked": "Meeting booked",
    "meeting.accepted": "Meeting accepted into pipeline",
    "meeting.sent_back": "Meeting sent back to the SDR",
    "meeting.rejected": "Meeting rejected",
}
MARKS = {"yes": "✓", "unsure": "?", "no": "✗"}


class NotAMeeting(ValueError):
    """The body is not a meeting event with its meeting."""


@dataclass(frozen=True)
class MeetingEvent:
    kind: str  # one of MEETING_EVENTS
    meeting: dict[str, Any]  # data.meeting, as sent

    @property
    def label(self) -> str:
        return MEETING_LABELS[self.kind]

    @property
    def actor(self) -> str | None:
        """Who booked it (the SDR) or decided it."""
        if self.kind == "meeting.booked":
            return who(self.meeting.get("sdr"))
        return who(self.meeting.get("decided_by")) or who(self.meeting.get("ae"))

    def ae_slack_id(self) -> str | None:
        ae = self.meeting.get("ae")
        return text(ae.get("slack_id")) if isinstance(ae, dict) else None


def is_meeting_event(body: dict[str, Any]) -> bool:
    return str(body.get("type") or "") in MEETING_EVENTS


def meeting_of(body: dict[str, Any]) -> MeetingEvent:
    kind = str(body.get("type") or "")
    meeting = (body.get("data") or {}).get("meeting")
    if kind not in MEETING_EVENTS or not isinstance(meeting, dict):
        raise NotAMeeting(f"{kind or 'an event'} is not a meeting event with its meeting")
    return MeetingEvent(kind, meeting)


def title(event: MeetingEvent) -> str:
    """ "Handshake: Meeting booked by Sam Diaz"."""
    by = f" by {event.actor}" if event.actor else ""
    return f"Handshake: {event.label}{by}"


def details(event: MeetingEvent) -> list[str]:
    """The note's lines after its title, plain text (the HubSpot note escapes them)."""
    m = event.meeting
    lines = []
    if when := when_text(m.get("meeting_at")):
        lines.append(f"Meeting: {when}")
    if sdr := who(m.get("sdr")):
        lines.append(f"SDR: {sdr}")
    if ae := who(m.get("ae")):
        lines.append(f"AE: {ae}")
    answers = [a for a in m.get("answers") or [] if isinstance(a, dict)]
    if answers:
        version = text(m.get("criteria_version"))
        lines.append(f"Criteria ({version}):" if version else "Criteria:")
        lines += [answer_line(a) for a in answers]
    if note := text(m.get("note")):
        lines.append(f"SDR's note: {note}")
    if event.kind != "meeting.booked":
        lines += decision_lines(event, answers)
    return lines


def decision_lines(event: MeetingEvent, answers: list[dict[str, Any]]) -> list[str]:
    m = event.meeting
    lines = [f"Decision: {event.label}"]
    if code := text(m.get("failed_criterion")):
        question = next((text(a.get("question")) for a in answers if a.get("code") == code), None)
        lines.append(f"Failed criterion: {code}" + (f" ({question})" if question else ""))
    reason = m.get("reason") if isinstance(m.get("reason"), dict) else {}
    code, label = text(reason.get("code")), text(reason.get("label"))
    if code or label:
        lines.append("Reason: " + ": ".join(p for p in (code, label) if p))
    if note := text(m.get("decision_note")):
        lines.append(f"AE's note: {note}")
    return lines


def answer_line(answer: dict[str, Any]) -> str:
    """ "✓ Can we compete?: two incumbents" (? unsure, ✗ no)."""
    mark = MARKS.get(str(answer.get("answer") or ""), "·")
    question = text(answer.get("question")) or text(answer.get("code")) or "?"
    comment = text(answer.get("comment"))
    return f"{mark} {question}" + (f": {comment}" if comment else "")


def when_text(value: object) -> str | None:
    """An ISO time as "2026-11-24 15:00 UTC"; other text as it is."""
    raw = text(value)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return raw
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def who(value: object) -> str | None:
    if isinstance(value, dict):
        return text(value.get("name")) or text(value.get("slack_id"))
    return text(value)


def text(value: object) -> str | None:
    found = " ".join(str(value).split()) if value is not None else ""
    return found or None
