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
    def __init__(self, delay: float, error: str, *, maybe_sent: bool, counts: bool = True):
        super().__init__(error)
        self.delay, self.error, self.maybe_sent, self.counts = delay, error, maybe_sent, counts


class Permanent(Exception):
    pass
