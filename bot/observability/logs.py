"""The log format: `text` (key=value, the default) or `json` (HANDSHAKE_LOG_FORMAT=json):
one JSON object per line, with the lead, hand-off and outbox ids as fields when the log
call gives them (`extra={"lead_id": …, "handoff_id": …}`).

Secrets are never logged: every line, whatever its format, is scrubbed as a whole (the
message, its arguments, an exception's traceback) of the secrets in force (the Slack
tokens and signing secret, the intake token, every `*_env` secret of the config) and of
anything shaped like a Slack token or a webhook secret (`xox?-…`, `xapp-…`, `whsec_…`).

A formatter of our own rather than python-json-logger: the fields are few and fixed, and
the scrubbing must see the final line (a secret inside a traceback or an `extra` too),
which a wrapper around any formatter does in one place.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import IO, Any

from pydantic import BaseModel

TEXT_FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"
FORMATS = ("text", "json")
IDS = ("lead_id", "handoff_id", "outbox_id", "meeting_id", "dispute_id")
REDACTED = "[redacted]"
TOKEN_SHAPES = re.compile(
    r"\b(?:xox[abposre]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|whsec_[A-Za-z0-9+/=]+)"
)
SHORTEST_SECRET = 4  # shorter values would blank out ordinary words


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the ids given, and the
    traceback (`exc_info`) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in IDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class Scrubbing(logging.Formatter):
    """Any formatter's lines with the secrets taken out."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str] = ()):
        super().__init__()
        self.inner = inner
        self.secrets: list[str] = []
        self.use(secrets)

    def use(self, secrets: Iterable[str]) -> None:
        """The secrets in force (at start; again after a reload), longest first. In a JSON
        line a secret may appear escaped, so that spelling goes too."""
        found = {s for s in secrets if s and len(s) >= SHORTEST_SECRET}
        found |= {json.dumps(s, ensure_ascii=False)[1:-1] for s in found}
        self.secrets = sorted(found, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(self.inner.format(record))

    def scrub(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
        return TOKEN_SHAPES.sub(REDACTED, line)


def configure_logging(
    log_format: str = "text", secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> logging.Handler | None:
    """The root logger's handler: `log_format` text or json, scrubbed of `secrets`; it
    replaces the one an earlier call installed. Like `logging.basicConfig`, it leaves a root
    logger that someone else set up alone (pytest's capture) and returns None then."""
    root = logging.getLogger()
    if any(not getattr(h, "handshake", False) for h in root.handlers):
        return None
    inner = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(Scrubbing(inner, secrets))
    handler.handshake = True  # type: ignore[attr-defined]
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # `migrate` says what it did
    # A line per job run, every second: the console would be the scheduler's, not Handshake's.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return handler


def secrets_of(
    settings: BaseModel, config: BaseModel | None, environ: Mapping[str, str]
) -> set[str]:
    """Every secret value in force: the settings' tokens and secrets, and the value of each
    `*_env` variable the config names (webhook and source secrets, CRM tokens)."""
    found = {
        getattr(settings, name, None)
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token", "intake_token")
    }
    password = _password(str(getattr(settings, "database_url", "")))
    found.add(password)
    if config is not None:
        found |= {environ.get(name) for name in _env_names(config)}
    return {s for s in found if isinstance(s, str) and s}


def _env_names(model: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(model, BaseModel):
        for field in type(model).model_fields:
            value = getattr(model, field, None)
            if field.endswith("_env") and isinstance(value, str):
                names.add(value)
            else:
                names |= _env_names(value)
    elif isinstance(model, list | tuple):
        for item in model:
            names |= _env_names(item)
    return names


def _password(url: str) -> str | None:
    match = re.match(r"^[\w+]+://[^:/@]*:([^@]+)@", url)
    return match.group(1) if match else None
