"""The lead card: the owner's DM (decision buttons while pending, first-touch buttons
once accepted) and the hand-off channel's copy (context, owner and live status; never
buttons)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal
from urllib.parse import urlsplit

from bot import ids
from bot.domain.leads import lead_label
from bot.services.cards import CardContext
from bot.views import blocks as bk
from bot.views.dispute import card_line as dispute_card_line
from bot.views.dispute import dispute_button
from bot.views.lead_parts import (
    activity_text,
    format_score,
    history_text,
    signals_text,
    status_marker,
    status_word,
)
from bot.views.meeting_parts import book_button, path_text, sent_back_gap
from bot.views.sla_parts import (
    decision_buttons,
    reassign_why,
    tier_text,
    touch_buttons,
    touch_line,
)
from bot.views.sync_parts import crm_sync_text
from bot.views.text import (
    escape,
    for_readers,
    format_date,
    format_when,
    mention,
    one_line,
    quote,
    safe,
    trim,
)
from storage.models import (
    ACCEPTED,
    EXPIRED,
    HANDED_BACK,
    PENDING,
    REASSIGNED,
    REJECTED,
    Handoff,
    Lead,
)

Audience = Literal["owner", "channel"]

FALLBACK_TEXT = 150
NOTES_TEXT = 2800
DECISION_NOTE_TEXT = 1500

ROUTED = {  # the footer's words for each routing rule a hand-off records
    "crm_owner": "routed by CRM owner",
    "account": "routed by account owner",
    "round_robin": "routed by round robin",
    "manager_fallback": "routed by manager fallback",
    "reroute": "re-routed after a wrong-owner reject",
    "reassigned": "reassigned from an earlier owner",
    "picked": "reassigned by the manager's pick",
}


def build_lead_card(ctx: CardContext, *, audience: Audience) -> dict[str, Any]:
    """`{"text": fallback, "blocks": [...]}` for chat.postMessage / chat.update.

    The owner's card shows times in the owner's zone; the channel's, read by many, in
    each reader's own (Slack's date token, the owner's zone as its fallback text)."""
    if audience == "channel":
        ctx = replace(ctx, owner_tz=for_readers(ctx.owner_tz))
    lead, handoff = ctx.lead, ctx.handoff
    result: list[bk.Block] = [bk.header(safe(lead_label(lead, company=False), bk.HEADER_TEXT))]
    if ctx.reassigned_from_name is not None:
        why = one_line(ctx.reassigned_from_reason or "") or "no decision"
        line = f"Reassigned from {one_line(ctx.reassigned_from_name)}: {why}"
        result.append(bk.context(f"🔁 {safe(line, 500)}"))
    result.append(summary_block(lead))
    result.append(bk.section(signals_text(handoff.signals, lead.score)))
    result.append(bk.context(*_provenance(handoff)))
    if ctx.history:
        result.append(bk.section(history_text(ctx.history)))
    result.append(bk.section(activity_text(lead.activities, ctx.owner_tz)))
    if lead.notes and str(lead.notes).strip():
        result.append(bk.section("*Notes*\n" + quote(lead.notes, NOTES_TEXT)))
    result.append(bk.divider())
    result.append(bk.section(_status_text(ctx, audience)))
    result += _meeting_blocks(ctx, audience)
    buttons = _buttons(ctx, audience)
    if buttons:
        result.append(bk.actions(buttons))
    sync = crm_sync_text(ctx.crm_sync)
    if sync:
        result.append(bk.context(sync))
    return {"text": _fallback(ctx, audience), "blocks": result[: bk.MAX_BLOCKS]}


def summary_block(lead: Lead) -> bk.Block:
    """Who the lead is: title and company, then email, size, industry, country, source,
    campaign and score (also on the AE's meeting card)."""
    title, company = one_line(lead.title), one_line(lead.company)
    if title and company:
        headline = f"*{safe(title, 1000)}* at *{safe(company, 1000)}*"
    else:
        headline = f"*{safe(title or company, 1000)}*" if title or company else ""
    fields = [f"*Email*\n{safe(one_line(lead.email), 1000)}"]
    employees = _employees(lead.employees)
    for label, value in (
        ("Company size", f"{employees} employees" if employees else None),
        ("Industry", lead.industry),
        ("Country", lead.country),
        ("Source", lead.source),
        ("Campaign", lead.campaign),
        ("Score", None if format_score(lead.score) == "—" else format_score(lead.score)),
    ):
        if value is not None and one_line(value):
            fields.append(f"*{label}*\n{safe(one_line(value), 1000)}")
    return bk.section(headline or None, fields=fields)


def _employees(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value < 10**12:  # also False for NaN
        return None
    return f"{int(value):,}"


def _provenance(handoff: Handoff) -> list[str]:
    routed = ROUTED.get(str(handoff.rule)) or f"routed by {safe(one_line(handoff.rule), 100)}"
    parts = [f"Contract {safe(one_line(handoff.contract_version), 200)}", routed]
    if handoff.id is not None:
        parts.append(f"hand-off #{handoff.id}")
    return [" · ".join(parts)]


def _person(name: str | None, slack_id: str | None) -> str:
    """A person's escaped name, else a mention of a well-formed ID, else "someone"."""
    if name and one_line(name):
        return safe(one_line(name), 200)
    return mention(slack_id) if slack_id else "someone"


def _status_text(ctx: CardContext, audience: Audience) -> str:
    handoff, tz = ctx.handoff, ctx.owner_tz
    status = str(handoff.status)
    owner = _person(ctx.owner_name, handoff.owner_id)  # a name, not a mention: no extra ping
    deadline = format_when(handoff.due_at, tz)
    by = _person(ctx.decided_by_name, handoff.decided_by)
    when = f" on {format_when(handoff.decided_at, tz)}" if handoff.decided_at else ""
    rerouted_to = safe(one_line(ctx.reassigned_to_name), 200) if ctx.reassigned_to_name else ""
    mark = f"*{status_marker(status)}*"

    tier = tier_text(handoff.tier) if handoff.tier and one_line(handoff.tier) else ""
    if status == PENDING:
        first = f"{mark} · {tier + ' · ' if tier else ''}respond by *{deadline}*"
    elif status == REJECTED and handoff.routing_error:
        first = f"{mark} as the wrong owner by {by}{when}"
    elif status in (ACCEPTED, REJECTED, HANDED_BACK):
        first = f"{mark} by {by}{when}"
    elif status == REASSIGNED:
        target = f" to {rerouted_to}" if rerouted_to else ""
        why = reassign_why(handoff.reassign_reason)
        tail = why or f"{when} · no decision by {deadline}"
        first = f"{mark}{target}{tail}"
    elif status == EXPIRED:
        first = f"{mark} · no decision by {deadline}"
    else:
        first = mark

    lines = [first]
    if audience == "channel":
        lines.insert(0, f"*Owner:* {owner}")
    if tier and status != PENDING:
        lines.append(tier)
    if status == ACCEPTED:
        lines += _follow_up_lines(ctx)
    if status in (REJECTED, HANDED_BACK):
        if handoff.reason_label or handoff.reason_code:
            reason = handoff.reason_label or handoff.reason_code
            lines.append(f"*Reason:* {safe(one_line(reason), 300)}")
        if handoff.note and str(handoff.note).strip():
            lines.append(f"*Note:*\n{quote(handoff.note, DECISION_NOTE_TEXT)}")
        if status == HANDED_BACK and handoff.revisit_on:
            lines.append(f"*Revisit on:* {format_date(handoff.revisit_on)}")
        if status == REJECTED and handoff.routing_error:
            lines.append(f"🔁 Re-routed to {rerouted_to or 'the next owner'}")
    if ctx.dispute is not None:
        lines.append(dispute_card_line(**vars(ctx.dispute)))
    return "\n".join(lines)


def _meeting_blocks(ctx: CardContext, audience: Audience) -> list[bk.Block]:
    """The SDR → AE stage, once a meeting was booked: the lead's path; on the SDR's card
    after a send back, the gap to close."""
    if not ctx.meetings:
        return []
    path = path_text(
        ctx.meetings,
        accepted_by=ctx.decided_by_name or ctx.owner_name,
        accepted_at=ctx.handoff.decided_at,
        tz=ctx.owner_tz,
    )
    blocks = [bk.section(path)]
    last = ctx.meetings[-1]
    if audience == "owner" and ctx.can_book and last.status == "sent_back":
        blocks.append(bk.section(sent_back_gap(last)))
    return blocks


def _touched(handoff: Handoff) -> bool:
    return bool(handoff.first_touch) or handoff.first_touch_at is not None


def _follow_up_lines(ctx: CardContext) -> list[str]:
    handoff = ctx.handoff
    if _touched(handoff):
        return [
            touch_line(
                kind=handoff.first_touch,
                at=handoff.first_touch_at,
                by_name=ctx.touched_by_name or ctx.owner_name,
                tz=ctx.owner_tz,
                reason=handoff.touch_reason_label or handoff.touch_reason_code,
                note=handoff.touch_note,
            )
        ]
    if ctx.follow_up_due is not None:
        return [f"⏱️ First touch due by *{format_when(ctx.follow_up_due, ctx.owner_tz)}*"]
    return []


def _crm_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > bk.URL or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _buttons(ctx: CardContext, audience: Audience) -> list[bk.Block]:
    buttons: list[bk.Block] = []
    handoff = ctx.handoff
    if audience == "owner" and handoff.id is not None:
        if handoff.status == PENDING:
            buttons += decision_buttons(handoff.id)
        elif handoff.status == ACCEPTED and not _touched(handoff):
            buttons += touch_buttons(handoff.id)
        elif ctx.can_book:
            buttons.append(book_button(handoff.id))
    if audience == "channel" and handoff.id is not None and disputable(ctx):
        buttons.append(dispute_button(handoff.id))  # marketers and admins (issue 14 §1)
    link = crm_button(ctx.lead.crm_url)
    if link is not None:
        buttons.append(link)
    return buttons


def disputable(ctx: CardContext) -> bool:
    """A Reject or Hand back on quality, not disputed yet."""
    handoff = ctx.handoff
    return (
        ctx.dispute is None
        and handoff.status in (REJECTED, HANDED_BACK)
        and not handoff.routing_error
    )


def crm_button(crm_url: Any) -> bk.Block | None:
    """**Open in CRM**, a link button, when the lead's CRM link is a usable http(s) URL."""
    url = _crm_url(crm_url)
    return bk.button("Open in CRM", ids.CRM_LINK, url=url) if url else None


def _fallback(ctx: CardContext, audience: Audience) -> str:
    name = escape(lead_label(ctx.lead, company=False))
    company = one_line(ctx.lead.company)
    who = f"{name} ({escape(company)})" if company else name
    status = str(ctx.handoff.status)
    if audience == "owner" and status == PENDING:
        text = f"New lead for you: {who}"
    elif audience == "owner":
        text = f"Lead {who}: {status_word(status).lower()}"
    else:
        owner = escape(one_line(ctx.owner_name))
        text = f"Lead {who} → {owner}: {status_word(status).lower()}"
    return trim(text, FALLBACK_TEXT)
