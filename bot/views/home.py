"""The App Home tab, per role. Pure: everything from outside is escaped and trimmed, and
the view never passes Slack's 100 blocks (long lists end with "and N more")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import ids
from bot.services.home import (
    CampaignItem,
    DecisionItem,
    HomeChange,
    HomeData,
    MarketingView,
    OwnSettings,
    Queue,
    Refused,
    TeamView,
)
from bot.views import blocks as bk
from bot.views.home_dials import own_weight_blocks, team_weight_blocks
from bot.views.home_failing import failing_blocks
from bot.views.home_meetings import meeting_blocks
from bot.views.lead_parts import status_marker
from bot.views.settings import change_text, refusal_text
from bot.views.sla_parts import decision_buttons, touch_buttons
from bot.views.text import duration_text, escape, format_when, one_line, plural, safe
from storage.home import WRONG_OWNER

MAX_HOME_BLOCKS = 100
CAPACITY_CHOICES = range(1, 21)
LABEL = 300
NAME = 120
NOTE = 300
NOT_ON_ROSTER = (
    "You are not on the Handshake roster yet, so there is nothing for you here. "
    "Ask your RevOps admin to add you to the config: your leads and settings will show up."
)


@dataclass(frozen=True)
class Notice:
    """A line at the top of Home after a change made there (Home has no modal errors)."""

    text: str
    error: bool = False


def notice_for(change: HomeChange) -> Notice:
    """What a change made on Home did, as the line at its top."""
    if isinstance(change, Refused):
        return Notice(refusal_text(change), error=True)
    return Notice(change_text(change), error=not change.on_roster)


def build_home(data: HomeData, notice: Notice | None = None) -> dict[str, Any]:
    first = one_line(data.name).split(" ")[0] if data.on_roster else ""
    blocks: list[bk.Block] = [bk.header(f"Hi {safe(first, 100) or 'there'}")]
    if notice is not None:
        blocks.append(bk.context(("⚠️ " if notice.error else "✅ ") + notice.text))
    if not data.on_roster:
        blocks.append(bk.section(NOT_ON_ROSTER))
    elif data.marketing is not None:
        blocks += _marketing(data.marketing, data.tz, data.week_start)
    elif data.team is not None:
        if data.failed_outbox:
            blocks.append(_failed_line(data.failed_outbox))
        blocks += failing_blocks(data.failing, data.tz)
        blocks += _team(data.team, data.tz, data.week_start)
        if data.team_weights:
            blocks += [bk.divider(), *team_weight_blocks(data.team_weights)]
        if data.meetings is not None:
            blocks += [bk.divider(), *meeting_blocks(data.meetings, data.tz)]
        if data.queue is not None and not data.queue.empty:
            blocks += [bk.divider(), bk.section("*Your own leads*")]
            blocks += _queue(data.queue, data.tz)
    elif data.queue is not None:
        blocks += _queue(data.queue, data.tz)
        if data.meetings is not None:
            blocks += [bk.divider(), *meeting_blocks(data.meetings, data.tz)]
        if data.settings is not None:
            blocks += [bk.divider(), *_settings(data.settings)]
        if data.weight is not None:
            blocks += own_weight_blocks(data.weight, *data.weight_range)
    else:
        blocks.append(bk.section("Nothing to show for your role yet."))
    return {"type": "home", "blocks": _fit(blocks)}


def _fit(blocks: list[bk.Block]) -> list[bk.Block]:
    if len(blocks) <= MAX_HOME_BLOCKS:
        return blocks
    return [*blocks[: MAX_HOME_BLOCKS - 1], bk.context("Home is full: some items are not shown.")]


def _more(shown: int, total: int, where: str) -> list[bk.Block]:
    return [bk.context(f"…and {total - shown} more {where}")] if total > shown else []


def _since(week_start: datetime) -> str:
    """The week's first day as the week was counted (Monday in the config's time zone), the
    same for everyone, whatever their own zone."""
    return f"since {week_start:%a} {week_start.day} {week_start:%b}"


# -- a person's queue ---------------------------------------------------------------------


def _queue(queue: Queue, tz: str) -> list[bk.Block]:
    blocks: list[bk.Block] = []
    if queue.pending_total:
        blocks.append(bk.section(f"*Waiting for your decision ({queue.pending_total})*"))
    else:
        blocks.append(bk.section("*Nothing waiting for your decision.* New leads arrive as DMs."))
    for item in queue.pending:
        campaign = f" · _{safe(one_line(item.campaign), 100)}_" if item.campaign else ""
        due = (
            f"🔴 Overdue since {format_when(item.due_at, tz)}"
            if item.overdue
            else f"⏳ Decide by {format_when(item.due_at, tz)}"
        )
        blocks.append(bk.section(f"*{safe(one_line(item.lead_label), LABEL)}*{campaign}\n{due}"))
        blocks.append(
            bk.actions(
                decision_buttons(item.handoff_id),
                block_id=f"{ids.HOME_PENDING_BLOCK}{item.handoff_id}",
            )
        )
    blocks += _more(len(queue.pending), queue.pending_total, "in your DMs")
    if queue.touch_total:
        blocks.append(bk.section(f"*Accepted, waiting for your first touch ({queue.touch_total})*"))
    for touch in queue.touch:
        if touch.follow_up_due is None:
            follow_up = "📞 Log your first touch"
        elif touch.overdue:
            follow_up = f"🔴 First touch overdue since {format_when(touch.follow_up_due, tz)}"
        else:
            follow_up = f"📞 First touch due by {format_when(touch.follow_up_due, tz)}"
        accepted = (
            f"✅ Accepted {format_when(touch.accepted_at, tz)} · " if touch.accepted_at else ""
        )
        label = safe(one_line(touch.lead_label), LABEL)
        blocks.append(bk.section(f"*{label}*\n{accepted}{follow_up}"))
        blocks.append(
            bk.actions(
                touch_buttons(touch.handoff_id),
                block_id=f"{ids.HOME_TOUCH_BLOCK}{touch.handoff_id}",
            )
        )
    blocks += _more(len(queue.touch), queue.touch_total, "in your DMs")
    return blocks


def _settings(settings: OwnSettings) -> list[bk.Block]:
    away = settings.away_until
    status = (
        f"🌴 Away until {away.isoformat()}: new leads go to your teammates."
        if away
        else "🟢 Available: new leads can reach you."
    )
    picker: bk.Block = {
        "type": "datepicker",
        "action_id": ids.HOME_AWAY_DATE,
        "placeholder": bk.plain_text("Away until", bk.PLACEHOLDER),
    }
    if away:
        picker["initial_date"] = away.isoformat()
    blocks: list[bk.Block] = [
        bk.section("*Your routing settings*"),
        {
            **bk.section(f"*Away until*\n{status}", block_id=_value_id(ids.HOME_AWAY_BLOCK, away)),
            "accessory": picker,
        },
    ]
    if settings.away_window:
        blocks.append(
            bk.section(f"🌴 *Away* {settings.away_window}: new leads go to your teammates.")
        )
    if settings.status_text:
        said = safe(one_line(settings.status_text), 200)
        blocks.append(bk.context(f"Your Slack status says away ({said}): no new leads for now."))
    if away or settings.away_window:
        blocks.append(bk.actions([bk.button("I'm back", ids.HOME_BACK, style="primary")]))
    cap = settings.capacity
    cap_text = f"At most {cap} new leads a day." if cap else "No cap on new leads a day."
    blocks.append(
        {
            **bk.section(
                f"*Daily cap*\n{cap_text}", block_id=_value_id(ids.HOME_CAPACITY_BLOCK, cap)
            ),
            "accessory": _capacity_menu(cap),
        }
    )
    blocks.append(bk.context("Also from any channel: `/handshake away` and `/handshake capacity`."))
    return blocks


def _value_id(prefix: str, value: date | int | None) -> str:
    return prefix + (value.isoformat() if isinstance(value, date) else str(value or "none"))


def _capacity_menu(cap: int | None) -> bk.Block:
    choices = [*CAPACITY_CHOICES]
    if cap and cap not in choices:
        choices.append(cap)
    options = [bk.option("No cap", ids.HOME_CAPACITY_OFF)] + [
        bk.option(f"{plural(n, 'lead')} a day", str(n)) for n in choices
    ]
    chosen = str(cap) if cap else ids.HOME_CAPACITY_OFF
    return {
        "type": "static_select",
        "action_id": ids.HOME_CAPACITY,
        "placeholder": bk.plain_text("Daily cap", bk.PLACEHOLDER),
        "options": options,
        "initial_option": next(o for o in options if o["value"] == chosen),
    }


# -- managers and admins ----------------------------------------------------------------------


def _failed_line(count: int) -> bk.Block:
    calls = "Slack call" if count == 1 else "Slack calls"
    return bk.context(f"⚠️ {count} {calls} failed: run `handshake outbox`")


def _team(team: TeamView, tz: str, week_start: datetime) -> list[bk.Block]:
    title = f"Team {safe(team.scope, 200)}" if team.scope else "All teams"
    d = team.decisions
    decided = (
        f"✅ {d.get('accepted', 0)} accepted · ❌ {d.get('rejected', 0)} rejected · "
        f"↩️ {d.get('handed_back', 0)} handed back"
    )
    if d.get(WRONG_OWNER):
        decided += f" · 🔁 {d[WRONG_OWNER]} wrong owner"
    blocks: list[bk.Block] = [
        bk.section(f"*{title} today*"),
        bk.section(
            fields=[
                f"*Pending*\n{team.pending}",
                f"*Breached (past due)*\n{team.breached}",
                f"*Decisions this week* ({_since(week_start)})\n{decided}",
            ]
        ),
    ]
    if team.per_team:
        lines = [
            f"• {safe(one_line(t.team), 100) if t.team else 'No team'}: "
            f"{t.pending} pending, {t.breached} breached"
            for t in team.per_team
        ]
        blocks.append(bk.section("*By team*\n" + "\n".join(lines)))
    blocks.append(bk.section(_slowest(team)))
    blocks.append(bk.section(f"*Breached hand-offs ({team.breached})*"))
    if not team.breached_items:
        blocks.append(bk.context("None: every pending lead is within its deadline."))
    for item in team.breached_items:
        owner = safe(one_line(item.owner_name), NAME)
        label = safe(one_line(item.lead_label), LABEL)
        blocks.append(
            bk.section(f"*{label}* · {owner}\n🔴 Overdue since {format_when(item.due_at, tz)}")
        )
        value = str(item.handoff_id)
        blocks.append(
            bk.actions(
                [
                    bk.button("Nudge", ids.NUDGE_AGAIN, value=value),
                    bk.button("Reassign", ids.REASSIGN_NOW, value=value, style="danger"),
                ],
                block_id=f"{ids.HOME_BREACHED_BLOCK}{item.handoff_id}",
            )
        )
    blocks += _more(len(team.breached_items), team.breached, "breached: `/handshake stale`")
    return blocks


def _slowest(team: TeamView) -> str:
    title = "*Slowest responders this week* (median time to decision)"
    if not team.slowest:
        return f"{title}\nNo decisions yet this week."
    lines = [
        f"{rank}. {safe(one_line(r.name), NAME)}: {escape(duration_text(r.median_seconds / 60))} "
        f"({plural(r.decisions, 'decision')})"
        for rank, r in enumerate(team.slowest, 1)
    ]
    return title + "\n" + "\n".join(lines)


# -- marketers -----------------------------------------------------------------------------


def _marketing(view: MarketingView, tz: str, week_start: datetime) -> list[bk.Block]:
    blocks: list[bk.Block] = [
        bk.section(f"*This week's hand-offs by campaign* ({_since(week_start)})")
    ]
    if not view.campaigns:
        blocks.append(bk.context("No hand-offs yet this week."))
    blocks += [bk.section(_campaign(item)) for item in view.campaigns]
    blocks += _more(len(view.campaigns), view.campaigns_total, "campaigns: `/handshake campaigns`")
    blocks += [bk.divider(), bk.section("*Latest decisions*")]
    if not view.latest:
        blocks.append(bk.context("No decisions yet."))
    blocks += [bk.section(_decision(item, tz)) for item in view.latest]
    return blocks


def _campaign(item: CampaignItem) -> str:
    c = item.counts
    name = safe(one_line(c.campaign), 200) if one_line(c.campaign) else "No campaign"
    text = (
        f"*{name}* · {plural(c.total, 'hand-off')}\n"
        f"✅ {c.accepted} accepted · ❌ {c.rejected} rejected · "
        f"↩️ {c.handed_back} handed back · ⏳ {c.pending} pending"
    )
    if item.reasons:
        reasons = " · ".join(f"{safe(one_line(label), 150)} ({n})" for label, n in item.reasons)
        text += f"\nTop reasons: {reasons}"
    return text


def _decision(item: DecisionItem, tz: str) -> str:
    label = safe(one_line(item.lead_label), LABEL)
    campaign = f" · _{safe(one_line(item.campaign), 100)}_" if item.campaign else ""
    who = safe(one_line(item.decider_name or item.owner_name), NAME) or "someone"
    when = format_when(item.decided_at, tz)
    marker = status_marker(item.status)
    if item.routing_error:  # not a verdict on the lead: it went to the right owner
        marker += " (wrong owner: re-routed)"
    text = f"{marker}: *{label}*{campaign}\nby {who} on {when}"
    if item.reason_label:
        text += f"\n*Reason:* {safe(one_line(item.reason_label), 200)}"
    if item.note and one_line(item.note):
        text += f"\n> {safe(one_line(item.note), NOTE)}"
    return text
