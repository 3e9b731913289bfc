"""How a delivery attempt ends when it does not succeed."""

from __future__ import annotations

# Slack errors that no retry will fix: the row fails and waits for an admin.
PERMANENT = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "invalid_blocks",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "missing_scope",
    "user_not_found",
    "cannot_dm_bot",
    "msg_too_long",
    "no_text",
    "invalid_arguments",
    "restricted_action",
    "message_not_found",
    "cant_update_message",
    "user_disabled",
}


class RetryLater(Exception):
    """Try the row again. `delay` 0: the lane's retry policy decides when; more: not before
    then (a Retry-After). `counts`: the attempt counts towards giving up. `pause`: seconds
    during which the row's whole destination waits (rate limited, or unreachable).
    `rate_limited`: the destination answered 429 (counted in /metrics). `waiting`: the row
    waits for another row (its card's post) to be done first, nothing failed."""

    def __init__(
        self,
        delay: float,
        error: str,
        *,
        maybe_sent: bool,
        counts: bool = True,
        pause: float = 0.0,
        rate_limited: bool = False,
        waiting: bool = False,
    ):
        super().__init__(error)
        self.delay, self.error, self.maybe_sent, self.counts = delay, error, maybe_sent, counts
        self.pause, self.rate_limited, self.waiting = pause, rate_limited, waiting


class Permanent(Exception):
    pass
