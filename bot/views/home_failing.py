"""The admin's Home: outside destinations (webhooks, CRMs) that are failing, one each with
its count, since when, its latest error and a **Retry** button (issue 10 §3). Pure."""

from __future__ import annotations

from bot import ids
from bot.services.retry import DESTINATION, Retried
from bot.views import blocks as bk
from bot.views.sync_parts import destination_label, vendor_error, vendor_name
from bot.views.text import format_when, plural, safe
from storage.sync_status import FailingDestination


def failing_blocks(items: tuple[FailingDestination, ...], tz: str) -> list[bk.Block]:
    if not items:
        return []
    blocks: list[bk.Block] = [bk.section(f"*Failing destinations ({len(items)})*")]
    for n, item in enumerate(items):
        counts = []
        if item.failed:
            counts.append(f"{plural(item.failed, 'delivery', 'deliveries')} failed")
        if item.retrying:
            counts.append(f"{plural(item.retrying, 'delivery', 'deliveries')} retrying")
        text = (
            f"🔴 *{destination_label(item.lane, item.destination)}* · {', '.join(counts)} · "
            f"since {format_when(item.since, tz)}\n"
            f"Latest error: {vendor_error(item.latest_error)}"
        )
        blocks.append(bk.section(text))
        if item.failed and len(item.destination) <= DESTINATION:
            button = bk.button("Retry", ids.HOME_RETRY_DESTINATION, value=item.destination)
            blocks.append(bk.actions([button], block_id=f"{ids.HOME_FAILING_BLOCK}{n}"))
    blocks.append(bk.context("Every row, and retrying one at a time: `handshake outbox`."))
    return blocks


def retried_text(retried: Retried) -> tuple[str, bool]:
    """The line at the top of Home after a Retry click, and whether it is an error."""
    if not retried.allowed:
        return "Only an admin can retry deliveries.", True
    name = safe(vendor_name(retried.destination), 300)
    if not retried.rows:
        return f"Nothing failed to retry for {name}.", False
    return f"{plural(retried.rows, 'delivery', 'deliveries')} to {name} queued again.", False
