"""The stand-in Slack in a process of its own, as Slack is to the bot: its timing (the
limit, the latency) is not disturbed by the bot's threads. Run by bench/_slack_load.py:

    python bench/_slack_process.py CHANNEL LATENCY PER_SECOND BURST USER...

prints the Web API's base URL on one line, then serves until its standard input closes.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import Sandbox

BOT_TOKEN, SECRET = "xoxb-bench", "bench-signing-secret"


def main() -> None:
    channel, latency, per_second, burst, *users = sys.argv[1:]
    slack = Sandbox.start(bot_token=BOT_TOKEN, signing_secret=SECRET)
    for i, user in enumerate(users, 1):
        slack.state.add_user(user, f"person{i}", real_name=f"Person {i}", tz="UTC")
    slack.state.add_channel(channel, "lead-handoff")
    slack.state.rate_limit(True, per_second=float(per_second), burst=int(burst))
    slack.state.set_latency(float(latency))
    print(slack.api_url, flush=True)
    try:
        sys.stdin.read()
    finally:
        slack.stop()


if __name__ == "__main__":
    main()
