"""Slack's rate limits, kept ahead of time: a token bucket per channel or per method,
shared through the database (storage/pacing.py) so every instance together keeps within
them, rather than waiting to be told with a 429.

Slack's published tiers (https://docs.slack.dev/apis/web-api/rate-limits): most methods
are limited per method per workspace (Tier 2: 20+ a minute, Tier 3: 50+, Tier 4: 100+,
bursts tolerated); `chat.postMessage` allows about one message a second per channel, with
short bursts. `PACE` is a little under each limit (`MARGIN`; 1 % for posts, which keep half
a token in hand instead), so a call's clock drifting a few milliseconds does not earn a 429.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine

from storage import pacing
from storage.db import unit_of_work

MARGIN = 0.97  # of each rate: a few per cent under Slack's limit


@dataclass(frozen=True)
class Tier:
    per_minute: float
    burst: float
    per_channel: bool = False
    margin: float = MARGIN

    @property
    def per_second(self) -> float:
        return self.per_minute / 60 * self.margin


TIER_2, TIER_3, TIER_4 = Tier(20, 3), Tier(50, 5), Tier(100, 10)
# One a second per channel, "short bursts allowed": Slack's burst is taken as 3 and half
# a token of it is kept in hand, so a call that reaches Slack late (its latency varies)
# followed by one that reaches it early still finds a token there.
POST = Tier(60, 2.5, per_channel=True, margin=0.99)
PACE: dict[str, Tier] = {
    "chat_postMessage": POST,
    "chat_update": TIER_3,
    "chat_getPermalink": TIER_4,
    "conversations_open": TIER_3,
    "conversations_history": TIER_3,
    "conversations_replies": TIER_3,
    "users_info": TIER_4,
    "views_publish": TIER_4,
    "files_getUploadURLExternal": TIER_4,
    "files_completeUploadExternal": TIER_4,
}
DEFAULT_TIER = TIER_3
STOP_CHECK = 0.2  # seconds: how often a queued waiter looks at `stop`


def bucket_key(method: str, channel: str | None, tier: Tier) -> str:
    """Which bucket a call takes its token from."""
    name = method.replace("_", ".")
    return f"{name}:{channel or '-'}" if tier.per_channel else name


@dataclass
class Pacer:
    """Waits for a token before each call; `stop` ends every wait at once (shutdown).

    Calls waiting on the same bucket take its tokens in the order they asked (first come,
    first served): only the oldest waiter of a bucket asks the database for a token, so a
    card update that has waited longest is never overtaken again and again by newer ones.
    """

    engine: Engine
    now: Callable[[], float] = time.time  # Unix seconds: shared by instances
    stop: threading.Event = field(default_factory=threading.Event)
    waited: float = 0.0  # seconds spent waiting for tokens, for the curious
    tiers: dict[str, Tier] = field(default_factory=lambda: dict(PACE))
    _queues: dict[str, deque[object]] = field(default_factory=dict, init=False, repr=False)
    _turn: threading.Condition = field(default_factory=threading.Condition, init=False)

    def acquire(self, method: str, channel: str | None) -> bool:
        """Take a token for this call, waiting as long as it takes; False if stopped."""
        tier = self.tiers.get(method, DEFAULT_TIER)
        key = bucket_key(method, channel, tier)
        me = object()
        with self._turn:
            queue = self._queues.setdefault(key, deque())
            queue.append(me)
        try:
            while not self.stop.is_set():
                with self._turn:
                    while queue[0] is not me and not self.stop.is_set():
                        self._turn.wait(STOP_CHECK)
                if self.stop.is_set():
                    break
                with unit_of_work(self.engine) as session:
                    wait = pacing.take_token(
                        key,
                        session=session,
                        now=self.now(),
                        per_second=tier.per_second,
                        burst=tier.burst,
                    )
                if wait <= 0:
                    return True
                self.waited += wait
                self.stop.wait(wait)
            return False
        finally:
            with self._turn:
                queue.remove(me)
                if not queue:
                    del self._queues[key]
                self._turn.notify_all()
