"""Burst delivery at Slack's bound (issue 12, target 3).

    python bench/burst.py [--leads 96]

`handshake serve`'s parts (HTTP intake, delivery threads) on a fresh SQLite file, against
the stand-in Slack playing Slack's per-channel limit (1 message a second, bursts of 3)
and Slack's latency (150 ms a call), in a process of its own as Slack is. 96 leads for 8
owners are pushed at once from 16 clients (another process). It measures the time from
the first request until every owner's DM card is posted, and until every hand-off channel
card is posted (by the messages' ts, Slack's clock). The bounds come from the limit: N
messages in one channel take at least (N − 3) / 1 s + the latency. Targets: DMs ≤ 1.2×
their bound, the channel ≤ 1.1×.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._slack_load import OWNERS, bound, rig
from storage.db import unit_of_work
from storage.handoffs import get_handoff

DM_TARGET, CHANNEL_TARGET = 1.2, 1.1


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=96)
    leads = parser.parse_args(argv).leads
    with rig() as r:
        started = r.push(range(1, leads + 1))
        pushed = time.time() - started
        cards = r.wait_for_cards(leads, timeout=leads * 1.5 + 60)
        with unit_of_work(r.service.runtime.engine) as session:
            owners = Counter(
                get_handoff(h, session=session).owner_id  # type: ignore[union-attr]
                for h, card in cards
                if card == "owner"
            )
        rate_limited = r.rate_limited()
    dms = max(at for (_, card), at in cards.items() if card == "owner") - started
    channel = max(at for (_, card), at in cards.items() if card == "channel") - started
    per_owner = max(owners.values()) if owners else 0
    dm_bound, channel_bound = bound(per_owner), bound(leads)
    figures = {
        "leads": leads,
        "owners": len(owners),
        "most_per_owner": per_owner,
        "intake_s": round(pushed, 2),
        "dms_s": round(dms, 2),
        "dms_bound_s": round(dm_bound, 2),
        "dms_ratio": round(dms / dm_bound, 3),
        "channel_s": round(channel, 2),
        "channel_bound_s": round(channel_bound, 2),
        "channel_ratio": round(channel / channel_bound, 3),
        "rate_limited_429": rate_limited,
    }
    print(f"burst: {leads} leads for {len(owners)} owners (at most {per_owner} each), pushed in")
    print(f"{pushed:.2f}s; Slack's limit 1/s per channel, bursts of 3, latency 150 ms")
    print(f"{'what':<28}{'time':>9}{'bound':>9}{'ratio':>8}{'target':>8}")
    print(
        f"{'all DMs posted':<28}{dms:>8.2f}s{dm_bound:>8.2f}s{dms / dm_bound:>7.2f}×{DM_TARGET:>7}×"
    )
    print(
        f"{'all channel cards posted':<28}{channel:>8.2f}s{channel_bound:>8.2f}s"
        f"{channel / channel_bound:>7.2f}×{CHANNEL_TARGET:>7}×"
    )
    print(f"429s answered by the stand-in Slack: {rate_limited}")
    if set(owners) - set(OWNERS):
        print("unexpected owners:", set(owners) - set(OWNERS))
    return figures


if __name__ == "__main__":
    main()
