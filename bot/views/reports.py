"""Block Kit for the `/handshake` reports: summary, stale, lead, campaigns, contract.

Pure builders: a report dataclass in, `{"text", "blocks"}` out. Names, labels, campaigns,
notes and reasons come from outside and go through `safe()`; tables are monospace code
blocks whose cells are cut to their column before escaping (so no entity is split and the
columns line up as Slack shows them). Every message keeps to 50 blocks and every section
to 3000 characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import ids
from bot.durations import format_wait
from bot.reports.campaigns import CampaignReport, CampaignRow
from bot.reports.common import Counts, ReasonCount, Timing
from bot.reports.contract import ContractReport, Verdicts
from bot.reports.periods import Period
from bot.reports.scope import OWN, Scope
from bot.reports.stale import StaleReport
from bot.reports.summary import Summary
from bot.reports.timeline import HandoffLine, LeadTimeline, Step, TimelineReport
from bot.views import blocks as bk
from bot.views.sla_parts import TOUCH_LABELS, decision_buttons
from bot.views.text import escape, format_when, mention, one_line, safe, trim

Message = dict[str, Any]

NAME = 200
NOTE = 300
TABLE_ROWS = 25
CAMPAIGN_REASON_ROWS = 10
STEPS = 120  # timeline steps shown per lead (the latest)
RULES = {
    "crm_owner": "CRM owner",
    "account": "account owner",
    "round_robin": "round robin",
    "manager_fallback": "manager fallback",
    "reroute": "re-route after a wrong-owner reject",
    "reassigned": "reassignment",
}


# --- small formatters --------------------------------------------------------------------------


def minutes_text(minutes: float | None) -> str:
    """ "45m", "3h 20m", "4d 2h"; "—" for no data."""
    if minutes is None:
        return "—"
    if minutes < 1:
        return "<1m"
    return format_wait(timedelta(minutes=round(minutes)))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def count_pct(count: int, share: float | None) -> str:
    return f"{count} ({pct(share)})" if share is not None else str(count)


def _cell(value: object, width: int) -> str:
    text = one_line(value).replace("`", "'")
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]) -> str:
    """A monospace table; the first column left-aligned, the others right-aligned. Rows that
    would not fit a section are left out and counted on the last line."""

    def line(cells: Sequence[object]) -> str:
        parts = [_cell(c, w) for c, w in zip(cells, widths, strict=True)]
        padded = [parts[0].ljust(widths[0])] + [
            p.rjust(w) for p, w in zip(parts[1:], widths[1:], strict=True)
        ]
        return escape(" ".join(padded).rstrip())

    lines = [line(headers)]
    budget = bk.SECTION_TEXT - 200
    shown = 0
    for row in rows[:TABLE_ROWS]:
        candidate = line(row)
        if sum(len(x) + 1 for x in lines) + len(candidate) > budget:
            break
        lines.append(candidate)
        shown += 1
    if shown < len(rows):
        lines.append(f"… and {len(rows) - shown} more")
    return "```\n" + "\n".join(lines) + "\n```"


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def short_when(dt: datetime, tz: str) -> str:
    aware = dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    local = aware.astimezone(_zone(tz))
    return f"{local.day} {local:%b %H:%M}"


def period_line(period: Period, scope: Scope, tz: str) -> str:
    start = period.start.astimezone(_zone(tz))
    end = period.end.astimezone(_zone(tz))
    span = f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y} ({end.tzname()})"
    return f"{scope.label.capitalize()} · {period.label}: {span}"


def _name(value: object) -> str:
    return safe(one_line(value), NAME) or "—"


def _campaign(value: str | None) -> str:
    return one_line(value) or "(no campaign)"


def _reasons(title: str, reasons: Sequence[ReasonCount]) -> str:
    if not reasons:
        return f"*{title}*\nnone"
    lines = []
    for r in reasons:
        flag = " _(routing error)_" if r.routing_error else ""
        lines.append(f"• {safe(one_line(r.label), 120)}: {r.count}{flag}")
    return f"*{title}*\n" + "\n".join(lines)


def _message(text: str, blocks: list[bk.Block]) -> Message:
    if len(blocks) > bk.MAX_BLOCKS:
        blocks = [*blocks[: bk.MAX_BLOCKS - 1], bk.context("_Cut to fit one message._")]
    return {"text": trim(text, 3000), "blocks": blocks}


# --- summary -----------------------------------------------------------------------------------


def _outcome_fields(c: Counts) -> list[str]:
    return [
        f"*Hand-offs*\n{c.handoffs}",
        f"*Accepted*\n{count_pct(c.accepted, c.acceptance_rate)}",
        f"*Rejected*\n{count_pct(c.rejected, c.reject_rate)}",
        f"*Routing errors*\n{c.routing_errors}",
        f"*Handed back*\n{count_pct(c.handed_back, c.handback_rate)}",
        f"*Reassigned*\n{c.reassigned}",
        f"*Pending*\n{c.pending}",
        f"*Breached SLA*\n{count_pct(c.breached, c.breach_rate)}",
    ]


def _timing(title: str, t: Timing) -> str:
    if not t.count:
        return f"*{title}*\nno data yet"
    return f"*{title}*\nmedian {minutes_text(t.median)} · p90 {minutes_text(t.p90)} ({t.count})"


def build_summary(report: Summary, *, tz: str) -> Message:
    c = report.counts
    blocks = [
        bk.header(f"Hand-off summary: {report.period.label}"),
        bk.context(period_line(report.period, report.scope, tz) + " · hand-offs created in it"),
    ]
    if report.received is not None:
        lead_fields = [
            f"*Leads received*\n{report.received}",
            f"*Qualified and routed*\n{report.qualified}",
            f"*Kept in nurture*\n{report.nurtured}",
        ]
    else:
        whose = "you" if report.scope.kind == OWN else "your team"
        lead_fields = [f"*Leads routed to {whose}*\n{c.routed}"]
    blocks.append(bk.section(fields=lead_fields))
    blocks.append(bk.section(fields=_outcome_fields(c)))
    blocks.append(
        bk.section(
            fields=[
                _timing("Time to decision", report.to_decision),
                _timing("Accept to first touch", report.to_first_touch),
            ]
        )
    )
    blocks.append(
        bk.section(
            fields=[
                _reasons("Top reject reasons", report.reject_reasons),
                _reasons("Top hand-back reasons", report.handback_reasons),
            ]
        )
    )
    if report.reps and report.scope.manages:
        rows = [
            [
                r.name,
                r.counts.handoffs,
                r.counts.accepted,
                r.counts.rejected + r.counts.routing_errors,
                r.counts.handed_back,
                r.counts.pending,
                r.counts.breached,
                minutes_text(r.median_to_decision),
            ]
            for r in report.reps
        ]
        headers = ["Rep", "Total", "Acc", "Rej", "Back", "Pend", "Late", "Median"]
        blocks.append(bk.divider())
        blocks.append(bk.section("*By rep*\n" + table(headers, rows, [18, 5, 4, 4, 4, 4, 4, 7])))
    if report.campaigns:
        blocks.append(bk.section("*By campaign*\n" + _campaign_table(report.campaigns)))
    if not c.handoffs and not report.received:
        blocks.append(bk.context("Nothing happened in this period."))
    text = (
        f"Hand-off summary, {report.period.label}: {c.handoffs} hand-offs, "
        f"{c.accepted} accepted, {c.pending} pending"
    )
    return _message(text, blocks)


def _campaign_table(rows: Sequence[CampaignRow]) -> str:
    everyone = any(r.received is not None for r in rows)
    headers = ["Campaign", *(["Recv", "Nurt"] if everyone else []), "Routed", "Acc", "Back", "Rej"]
    headers += ["Pend", "Acc%"]
    widths = [20, *([5, 5] if everyone else []), 6, 4, 4, 4, 4, 5]
    body = [
        [
            _campaign(r.campaign),
            *([r.received, r.nurtured] if everyone else []),
            r.counts.routed,
            r.counts.accepted,
            r.counts.handed_back,
            r.counts.rejected,
            r.counts.pending,
            pct(r.counts.acceptance_rate),
        ]
        for r in rows
    ]
    return table(headers, body, widths)


# --- stale -------------------------------------------------------------------------------------


def build_stale(report: StaleReport, *, tz: str) -> Message:
    if not report.total:
        text = f"Nothing is overdue ({report.scope.label}): every pending lead is within its SLA."
        return _message(text, [bk.section(text)])
    blocks = [
        bk.header("Overdue hand-offs"),
        bk.context(
            f"{report.total} pending past the deadline · {report.scope.label} · oldest first"
        ),
    ]
    for item in report.items:
        campaign = f" · {safe(_campaign(item.campaign), 100)}"
        overdue = minutes_text(item.overdue_minutes)
        blocks.append(
            bk.section(
                f"*{safe(one_line(item.lead_label), 300)}*{campaign}\n"
                f"Owner {mention(item.owner_id, item.owner_name)} · due "
                f"{format_when(item.due_at, tz)} · *{overdue} overdue*"
            )
        )
        value = str(item.handoff_id)
        buttons = decision_buttons(item.handoff_id)
        if report.scope.manages:
            buttons = [
                bk.button("Nudge", ids.NUDGE_AGAIN, value=value),
                bk.button("Reassign", ids.REASSIGN_NOW, value=value),
                *buttons,
            ]
        blocks.append(bk.actions(buttons))
    if report.more:
        blocks.append(bk.context(f"… and {report.more} more overdue."))
    return _message(f"{report.total} overdue hand-offs", blocks)


# --- lead timeline -----------------------------------------------------------------------------


def build_timeline(report: TimelineReport, *, tz: str) -> Message:
    email = safe(report.email, 320)
    if not report.leads:
        text = f"No lead with the email {email} that you can see."
        return _message(text, [bk.section(text)])
    blocks: list[bk.Block] = []
    for lead in report.leads:
        blocks += _lead_blocks(lead, tz)
    if report.hidden:
        blocks.append(bk.context(f"{report.hidden} older leads with this email are not shown."))
    return _message(f"Timeline of {email}", blocks)


def _lead_blocks(lead: LeadTimeline, tz: str) -> list[bk.Block]:
    score = "—" if lead.score is None else f"{lead.score:g}"
    blocks: list[bk.Block] = [
        bk.header("Lead: " + safe(one_line(lead.label), 140)),
        bk.section(
            fields=[
                f"*Email*\n{safe(lead.email, 320)}",
                f"*Source*\n{_name(lead.source)}",
                f"*Campaign*\n{safe(_campaign(lead.campaign), 200)}",
                f"*Score*\n{score}",
                f"*Status*\n{safe(lead.status.replace('_', ' '), 50)}",
                f"*Received*\n{format_when(lead.created_at, tz)}",
            ]
        ),
    ]
    if lead.handoffs:
        blocks.append(bk.context(*[_handoff_line(h, tz) for h in lead.handoffs[-10:]]))
    steps = lead.steps[-STEPS:]
    lines = [f"`{short_when(s.at, tz)}` {step_text(s, tz)}" for s in steps]
    if len(lead.steps) > len(steps):
        lines.insert(0, f"_{len(lead.steps) - len(steps)} earlier steps not shown_")
    chunk: list[str] = []
    for line in lines or ["No steps recorded."]:
        if sum(len(x) + 1 for x in chunk) + len(line) > bk.SECTION_TEXT - 100:
            blocks.append(bk.section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    blocks.append(bk.section("\n".join(chunk)))
    return blocks


def _handoff_line(h: HandoffLine, tz: str) -> str:
    """ "Hand-off 12 to Ben Brooks: rejected" or "…: pending, due Tue 24 Nov 2026, 18:00 UTC"."""
    status = h.status.replace("_", " ")
    if h.status == "pending":
        status += f", due {format_when(h.due_at, tz)}"
    elif h.first_touch:
        status += f", then {TOUCH_LABELS.get(h.first_touch, h.first_touch).lower()}"
    return f"Hand-off {h.handoff_id} to {_name(h.owner_name)}: {safe(status, 200)}"


def _who(slack_id: object) -> str:
    if slack_id in (None, "", "intake", "system"):
        return "Handshake"
    return mention(slack_id)


def _note(note: object) -> str:
    text = one_line(note)
    return f" · “{safe(text, NOTE)}”" if text else ""


def step_text(step: Step, tz: str) -> str:
    """One event of the log, as a person would say it (outside values escaped)."""
    d, who, kind = step.data, _who(step.actor), step.kind
    if kind == "received":
        campaign = (
            f" · campaign {safe(one_line(d.get('campaign')), 200)}" if d.get("campaign") else ""
        )
        return f"Received from {_name(d.get('source'))}{campaign}"
    if kind == "received_again":
        return "Sent again by intake" + (
            " and revived after its hand-back" if d.get("revived") else ""
        )
    if kind == "duplicate":
        return "Sent again: a duplicate, nothing posted"
    if kind == "nurtured":
        return f"Kept in nurture: {safe(one_line(d.get('reason')), NOTE) or 'below the contract'}"
    if kind == "routed":
        rule = RULES.get(str(d.get("rule")), safe(one_line(d.get("rule")), 60))
        return f"Routed to {_who(d.get('owner'))} by {rule}"
    if kind == "delivered":
        card = d.get("card")
        where = {"owner": "the owner's DM", "channel": "the hand-off channel"}.get(str(card))
        return f"Card posted to {where}" if where else "Message delivered"
    if kind == "delivery_failed":
        return f"Slack call failed: {safe(one_line(d.get('error')), 200)}"
    if kind in ("nudged", "escalated", "follow_up_nudged", "follow_up_escalated"):
        what = {
            "nudged": "Nudged",
            "escalated": "Escalated to",
            "follow_up_nudged": "Follow-up nudge to",
            "follow_up_escalated": "Follow-up escalated to",
        }[kind]
        waited = f" after {safe(one_line(d.get('waited')), 40)}" if d.get("waited") else ""
        return f"{what} {_who(d.get('recipient'))}{waited}"
    if kind == "snoozed":
        return f"{who} snoozed the reminders for an hour"
    if kind == "reassigned":
        reason = f" · {safe(one_line(d.get('reason')), NOTE)}" if d.get("reason") else ""
        return f"Reassigned to {_who(d.get('new_owner'))}{reason}"
    if kind in ("accepted", "rejected", "handed_back"):
        return _decision_text(kind, who, d)
    if kind == "first_touch":
        touch = TOUCH_LABELS.get(str(d.get("touch")), safe(one_line(d.get("touch")), 60))
        why = f": {safe(one_line(d.get('reason')), NOTE)}" if d.get("reason") else ""
        minutes = d.get("minutes")
        after = (
            f", {minutes_text(float(minutes))} after the accept"
            if isinstance(minutes, int | float)
            else ""
        )
        return f"First touch by {who}: {touch}{why}{after}{_note(d.get('note'))}"
    if kind == "click_refused":
        return f"{who} tried to {safe(one_line(d.get('action')), 40)} but may not decide"
    if kind == "decision_lost":
        return f"{who} clicked {safe(one_line(d.get('action')), 40)} too late"
    return f"{safe(one_line(kind).replace('_', ' '), 60).capitalize()} by {who}"


def _after(minutes: object) -> str:
    if isinstance(minutes, int | float):
        return f" after {minutes_text(float(minutes))}"
    return ""


def _decision_text(kind: str, who: str, d: Any) -> str:
    verb = {"accepted": "Accepted", "rejected": "Rejected", "handed_back": "Handed back"}[kind]
    text = f"{verb} by {who}{_after(d.get('minutes'))}"
    if d.get("reason"):
        text += f": {safe(one_line(d.get('reason')), NOTE)}"
    if d.get("routing_error"):
        text += " (routing error: re-routed)"
    if d.get("revisit_on"):
        text += f" · revisit {safe(one_line(d.get('revisit_on')), 20)}"
    return text + _note(d.get("note"))


# --- campaigns ---------------------------------------------------------------------------------


def build_campaigns(report: CampaignReport, *, tz: str) -> Message:
    blocks = [
        bk.header(f"Campaigns: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · Acc% = accepted of accepted, rejected and handed back"
        ),
    ]
    if not report.rows:
        blocks.append(bk.section("No leads in this period."))
        return _message(f"Campaigns, {report.period.label}: no leads", blocks)
    blocks.append(bk.section(_campaign_table(report.rows)))
    with_reasons = [r for r in report.rows if r.reject_reasons or r.handback_reasons]
    for row in with_reasons[:CAMPAIGN_REASON_ROWS]:
        parts = []
        for title, reasons in (
            ("Rejected", row.reject_reasons),
            ("Handed back", row.handback_reasons),
        ):
            if reasons:
                listed = ", ".join(f"{safe(one_line(r.label), 100)} ({r.count})" for r in reasons)
                parts.append(f"{title}: {listed}")
        blocks.append(bk.section(f"*{safe(_campaign(row.campaign), 200)}*\n" + "\n".join(parts)))
    if len(with_reasons) > CAMPAIGN_REASON_ROWS:
        blocks.append(
            bk.context(f"… and reasons for {len(with_reasons) - CAMPAIGN_REASON_ROWS} more")
        )
    return _message(f"Campaigns, {report.period.label}: {len(report.rows)} campaigns", blocks)


# --- contract ----------------------------------------------------------------------------------


def _verdicts(v: Verdicts) -> str:
    return f"{pct(v.acceptance_rate)} of {v.total}"


def build_contract(report: ContractReport, *, tz: str) -> Message:
    blocks = [
        bk.header(f"Contract {safe(one_line(report.version), 40)}: {report.period.label}"),
        bk.context(
            period_line(report.period, report.scope, tz)
            + " · acceptance = accepted of accepted, rejected and handed back"
        ),
    ]
    if report.signals:
        rows = [
            [s.name + (" *" if s.qualifies else ""), _verdicts(s.with_signal), _verdicts(s.without)]
            for s in report.signals
        ]
        blocks.append(
            bk.section(
                "*Acceptance with each signal, and without it*\n"
                + table(["Signal", "With", "Without"], rows, [26, 12, 12])
                + "\n_* qualifies a lead on its own_"
            )
        )
    else:
        blocks.append(bk.section("The contract names no signals: leads qualify on score alone."))
    score = report.score_only
    blocks.append(
        bk.section(
            f"*Qualified on score alone* (score ≥ {report.min_score:g}, no signal): "
            f"{score.total} decided, {pct(score.acceptance_rate)} accepted",
            fields=[
                _reasons("Why rejected", report.score_only_rejects),
                _reasons("Why handed back", report.score_only_handbacks),
            ],
        )
    )
    version = safe(one_line(report.version), 40)
    return _message(f"Contract {version}, {report.period.label}", blocks)
