"""The `webhooks` key: signed webhooks (Standard Webhooks) that hear every decision.

```yaml
webhooks:
  - url: https://hooks.example.com/handshake
    secret_env: HANDSHAKE_WEBHOOK_SECRET   # names a variable holding a whsec_… secret
    events: [handoff.accepted, handoff.rejected]   # default: every event
```

The secret is read from the environment when the config is validated and kept out of the
model's fields (so it is never printed); `WebhookConfig.secret` returns it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, PrivateAttr, ValidationInfo, model_validator

from bot.config.environment import EnvName, environment, unset_message
from bot.config.errors import fail, suggest
from bot.config.scalars import ConfigModel

# Every event type Handshake sends (later issues add more; an unknown name is an error).
EVENT_TYPES: tuple[str, ...] = (
    "lead.routed",
    "lead.nurtured",
    "lead.revived",
    "handoff.accepted",
    "handoff.rejected",
    "handoff.handed_back",
    "handoff.reassigned",
    "handoff.touched",
    "handoff.escalated",
    "meeting.booked",  # the SDR → AE stage: body["data"]["meeting"] (integrations/events.py)
    "meeting.accepted",
    "meeting.sent_back",
    "meeting.rejected",
    "handoff.disputed",  # issue 14 §1: data.dispute {id, status, disputed_by, why, …}
    "dispute.settled",  # upheld or overturned; re-routed: data.next_handoff
)
PING = "ping"  # only sent by `handshake webhooks test`


def _event_type(value: str) -> str:
    if value not in EVENT_TYPES:
        raise ValueError(
            f'"{value}" is not an event type{suggest(value, EVENT_TYPES)}; '
            f"expected one of: {', '.join(EVENT_TYPES)}"
        )
    return value


def http_url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        return f'"{value}" is not an http(s) URL like https://hooks.example.com/x'
    try:
        parts.port  # noqa: B018 (reading it checks it: 0 to 65535)
    except ValueError:
        return f'"{value}" has a port that is not a number from 0 to 65535'
    return None


def url_origin(url: str) -> str:
    """A URL cut to its scheme, host and port, for logs, errors and /metrics labels: its
    path or query may hold a token. Never raises."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{port}" if port else "")


def _http_url(value: str) -> str:
    problem = http_url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


EventType = Annotated[str, AfterValidator(_event_type)]


MIN_KEY_BYTES = 24  # Standard Webhooks: a key of 24 to 64 bytes


def secret_problem(secret: str) -> str | None:
    """Why this is not a usable Standard Webhooks secret, or None: `whsec_` then standard
    base64 (checked strictly: a lenient decoder drops stray characters, so the key signed
    with would differ from the one a receiver decodes) of at least 24 bytes."""
    expected = "is not a Standard Webhooks secret; expected whsec_ followed by base64"
    if not secret.startswith("whsec_"):
        return expected
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        return expected
    if len(key) < MIN_KEY_BYTES:
        return f"is too short: a Standard Webhooks key has {MIN_KEY_BYTES} bytes at least"
    return None


class WebhookConfig(ConfigModel):
    url: Annotated[str, AfterValidator(_http_url)]
    secret_env: EnvName
    events: list[EventType] = Field(default_factory=lambda: list(EVENT_TYPES), min_length=1)
    _secret: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _read_secret(self, info: ValidationInfo) -> WebhookConfig:
        value = environment(info).get(self.secret_env)
        if not value:
            fail([(("secret_env",), unset_message(self.secret_env))])
        problem = secret_problem(value)
        if problem:
            fail([(("secret_env",), f"the value of {self.secret_env} {problem}")])
        self._secret = value
        return self

    @property
    def secret(self) -> str:
        return self._secret

    def wants(self, event_type: str) -> bool:
        return event_type in self.events


def webhook_for(webhooks: list[WebhookConfig], url: str) -> WebhookConfig | None:
    return next((w for w in webhooks if w.url == url), None)
