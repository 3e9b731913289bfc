"""Lead lifecycle rules: when a handed-back lead comes back (pure date arithmetic), and how
long a decision's or a first touch's note may be."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

REVIVE_AFTER = timedelta(days=30)  # a handed-back lead without a revisit date comes back after this
NOTE_MAX_LENGTH = 2000  # what the reason and touch modals let people type; services keep as much


def revisit_at(revisit_on: date | None, decided_at: datetime) -> datetime:
    """When a handed-back lead may come back to life: its revisit date, else 30 days on."""
    if revisit_on is None:
        return decided_at + REVIVE_AFTER
    return datetime.combine(revisit_on, datetime.min.time(), tzinfo=UTC)
