"""Intake answer → DM posted, while the hand-off channel is saturated (issue 12, target 4).

    python bench/latency.py [--rate 2] [--seconds 40] [--backlog 40]

`handshake serve`'s parts on a fresh SQLite file, against the stand-in Slack playing
Slack's per-channel limit (1 message a second, bursts of 3) and latency (150 ms a call).
First `--backlog` leads are pushed at once, so the hand-off channel has a backlog it
drains at its limit; once their DMs are out (and, 3 s later, the owners' own DM channels
are back to their burst allowance), leads arrive at `--rate` a second for
`--seconds` (each adds a card to the saturated channel, which only ever grows). For each
of those leads it measures the time from the intake's answer to Slack's answer to its
owner's DM card (from the stand-in's call log), and prints p50, p99 and the maximum.
Target: p99 ≤ 300 ms + Slack's latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._slack_load import LATENCY, rig
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead

TARGET_MS = 300
REFILL = 3.0  # seconds: Slack's burst of 3 a DM channel, back after the backlog's DMs


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--backlog", type=int, default=40)
    args = parser.parse_args(argv)
    count = int(args.rate * args.seconds)
    with rig() as r:
        r.push(range(1, args.backlog + 1))
        while sum(1 for _, card in r.cards() if card == "owner") < args.backlog:
            time.sleep(0.25)
        time.sleep(REFILL)  # the owners' own DM buckets refill; the channel's never does
        answered: dict[int, float] = {}
        start = time.time()
        for k in range(count):
            time.sleep(max(0.0, start + k / args.rate - time.time()))
            at, lead_id = r.post(args.backlog + 1 + k)
            answered[lead_id] = at
        deadline = time.time() + 30
        with unit_of_work(r.service.runtime.engine) as session:
            handoff_of = {
                lead_id: handoffs_for_lead(lead_id, session=session)[-1].id for lead_id in answered
            }
        while time.time() < deadline:
            cards = r.cards()
            if all((h, "owner") in cards for h in handoff_of.values()):
                break
            time.sleep(0.25)
        channel_done = sum(1 for _, card in cards if card == "channel")
        channel_backlog = args.backlog + count - channel_done
        rate_limited = r.rate_limited()
    waits = [
        (cards[(handoff_of[lead_id], "owner")] - at) * 1000 for lead_id, at in answered.items()
    ]
    p50, p99 = statistics.median(waits), percentile(waits, 99)
    limit = TARGET_MS + LATENCY * 1000
    figures = {
        "leads": count,
        "rate_per_s": args.rate,
        "p50_ms": round(p50, 1),
        "p99_ms": round(p99, 1),
        "max_ms": round(max(waits), 1),
        "target_p99_ms": limit,
        "p99_ratio_to_target": round(p99 / limit, 3),
        "channel_backlog_at_end": channel_backlog,
        "rate_limited_429": rate_limited,
    }
    print(
        f"latency: {count} leads at {args.rate:g}/s after a backlog of {args.backlog}; the "
        f"hand-off channel still had {channel_backlog} cards to post at the end"
    )
    print("intake answer → owner's DM card posted (Slack's latency 150 ms included):")
    print(f"  p50 {p50:.0f} ms   p99 {p99:.0f} ms   max {max(waits):.0f} ms")
    print(f"  target p99 ≤ {limit:.0f} ms: {p99 / limit:.2f}× the target")
    print(f"429s answered by the stand-in Slack: {rate_limited}")
    return figures


if __name__ == "__main__":
    main()
