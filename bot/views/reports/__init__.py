"""Block Kit for the `/handshake` reports: summary (with `stage`, the SDR → AE stage), stale,
lead, campaigns, contract, criteria, recycled.

Pure builders: a report dataclass in, `{"text", "blocks"}` out. Names, labels, campaigns,
notes and reasons come from outside and go through `safe()`; tables are monospace code
blocks whose cells are cut to their column before escaping (so no entity is split and the
columns line up as Slack shows them). Every message keeps to 50 blocks and every section
to 3000 characters.

`tables` holds the shared pieces (also used by the weekly digest); one module per report.
"""

from bot.views.reports.campaigns import CAMPAIGN_REASON_ROWS, build_campaigns
from bot.views.reports.contract import build_contract
from bot.views.reports.criteria import build_criteria
from bot.views.reports.recycled import build_recycled
from bot.views.reports.stale import build_stale
from bot.views.reports.summary import build_summary
from bot.views.reports.tables import (
    NAME,
    NOTE,
    TABLE_ROWS,
    Message,
    count_pct,
    pct,
    period_line,
    short_when,
    table,
)
from bot.views.reports.timeline import RULES, STEPS, build_timeline, step_text

__all__ = [
    "CAMPAIGN_REASON_ROWS",
    "NAME",
    "NOTE",
    "RULES",
    "STEPS",
    "TABLE_ROWS",
    "Message",
    "build_campaigns",
    "build_contract",
    "build_criteria",
    "build_recycled",
    "build_stale",
    "build_summary",
    "build_timeline",
    "count_pct",
    "pct",
    "period_line",
    "short_when",
    "step_text",
    "table",
]
