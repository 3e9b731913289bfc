"""The hand-off channel's compact card (`channel.card: compact`, the default): one line
per hand-off with its status, owner, stage and key facts, and a **Details** button that
opens the full channel card in a modal (view-only: it changes nothing, anyone may open it).

A button rather than an overflow menu: one click, a visible word, and a menu of one item
would hide the only thing it offers. The modal shows exactly the full channel card's blocks
(never the owner's decision buttons)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot import ids
from bot.config.channel import CardForm
from bot.domain.leads import lead_label
from bot.services.cards import CardContext
from bot.views import blocks as bk
from bot.views.dispute import dispute_button
from bot.views.lead_card import Audience, build_lead_card, crm_button, disputable
from bot.views.lead_parts import format_score, status_marker
from bot.views.meeting_parts import name, outcome_word
from bot.views.sla_parts import tier_text
from bot.views.text import for_readers, format_when, one_line, safe
from storage.models import MEETING_PENDING, PENDING

DETAILS_TITLE = "Lead details"
MAX_MODAL_BLOCKS = 100


def build_card(ctx: CardContext, *, audience: Audience, form: CardForm) -> dict[str, Any]:
    """The card a delivery job posts: the owner's is always full; the channel's as
    `channel.card` says."""
    if audience == "channel" and form == "compact":
        return build_compact_card(ctx)
    return build_lead_card(ctx, audience=audience)


def build_compact_card(ctx: CardContext) -> dict[str, Any]:
    """One section (the header line) and one row: Details, and the CRM link if any."""
    full = build_lead_card(ctx, audience="channel")  # same fallback text as the full card
    line = header_line(replace(ctx, owner_tz=for_readers(ctx.owner_tz)))
    row: list[bk.Block] = []
    if ctx.handoff.id is not None:
        row.append(bk.button("Details", ids.CARD_DETAILS, value=str(ctx.handoff.id)))
        if disputable(ctx):
            row.append(dispute_button(ctx.handoff.id))  # marketers and admins (issue 14 §1)
    link = crm_button(ctx.lead.crm_url)
    if link is not None:
        row.append(link)
    blocks = [bk.section(line)] + ([bk.actions(row)] if row else [])
    return {"text": full["text"], "blocks": blocks}


def header_line(ctx: CardContext) -> str:
    """ "⏳ Pending · *Jordan Lee* — VP Sales at Acme · Owner: Ana · 📅 Meeting with Ben ·
    awaiting decision · US · score 82 · Q4 webinar · 🔥 Tier: hot · respond by …"."""
    lead, handoff = ctx.lead, ctx.handoff
    who = f"*{safe(lead_label(lead, company=False), 150)}*"
    title, company = one_line(lead.title), one_line(lead.company)
    role = " at ".join(safe(p, 150) for p in (title, company) if p)
    parts = [f"*{status_marker(handoff.status)}*", who + (f" — {role}" if role else "")]
    owner = safe(one_line(ctx.owner_name), 150) if one_line(ctx.owner_name) else "someone"
    parts.append(f"Owner: {owner}")
    if ctx.reassigned_from_name and one_line(ctx.reassigned_from_name):
        parts.append(f"🔁 from {safe(one_line(ctx.reassigned_from_name), 150)}")
    stage = stage_text(ctx)
    if stage:
        parts.append(stage)
    score = format_score(lead.score)
    for value in (lead.country, None if score == "—" else f"score {score}", lead.campaign):
        if value is not None and one_line(value):
            parts.append(safe(one_line(value), 150))
    if handoff.tier and one_line(handoff.tier):
        parts.append(tier_text(handoff.tier))
    if handoff.status == PENDING:
        parts.append(f"respond by {format_when(handoff.due_at, ctx.owner_tz)}")
    return " · ".join(parts)


def stage_text(ctx: CardContext) -> str:
    """The SDR → AE stage in a few words: "📅 Meeting with Ben · awaiting decision"."""
    if not ctx.meetings:
        return ""
    last = ctx.meetings[-1]
    state = "awaiting decision" if last.status == MEETING_PENDING else outcome_word(last.status)
    return f"📅 Meeting with {name(last.ae_name)} · {state}"


def build_details_modal(ctx: CardContext) -> dict[str, Any]:
    """The full channel card in a modal with a Close button only: nothing to submit, and
    no Dispute (it is on the card itself: a form cannot open from inside this one)."""
    full = build_lead_card(ctx, audience="channel")["blocks"]
    blocks = [b for b in (_without(block, ids.DISPUTE) for block in full) if b is not None]
    return {
        "type": "modal",
        "callback_id": ids.CARD_DETAILS_MODAL,
        "title": bk.plain_text(DETAILS_TITLE, bk.MODAL_TITLE),
        "close": bk.plain_text("Close", bk.MODAL_TITLE),
        "blocks": blocks[:MAX_MODAL_BLOCKS],
    }


def _without(block: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    """The block without the element `action_id`; None for a row left empty."""
    if block.get("type") != "actions":
        return block
    elements = [e for e in block["elements"] if e.get("action_id") != action_id]
    return {**block, "elements": elements} if elements else None
