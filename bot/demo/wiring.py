"""How the demo wires the bot to the sandbox: settings built in code, a database, a port."""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

from bot.demo.roster import DEMO_CONFIG
from bot.settings import Settings
from sandbox import Sandbox


def demo_settings(
    *,
    bot_token: str,
    signing_secret: str,
    intake_token: str,
    api_url: str,
    database_url: str,
    host: str,
    port: int,
) -> Settings:
    """What `serve` would read from the environment; the environment and `.env` are ignored,
    so a developer's real Slack settings never leak into the demo."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        SLACK_BOT_TOKEN=bot_token,
        SLACK_SIGNING_SECRET=signing_secret,
        SLACK_APP_TOKEN=None,
        SLACK_API_URL=api_url,
        DATABASE_URL=database_url,
        HANDSHAKE_CONFIG=str(DEMO_CONFIG),
        HANDSHAKE_INTAKE_TOKEN=intake_token,
        HANDSHAKE_HOST=host,
        HANDSHAKE_PORT=port,
        HANDSHAKE_TICK_SECONDS=1,
        HANDSHAKE_DELIVERY="thread",  # the demo is one process: its config is in memory
    )


def database_url(db: str | None) -> tuple[str, str | None]:
    """The SQLAlchemy URL for `--db` (a file, a directory or a URL), else for a fresh
    SQLite file in a new temporary directory, returned too so it can be removed."""
    if db and "://" in db:
        return db, None
    if not db:
        tempdir = tempfile.mkdtemp(prefix="handshake-demo-")
        return f"sqlite:///{Path(tempdir) / 'handshake.db'}", tempdir
    path = Path(db).expanduser().resolve()
    if path.is_dir():
        path = path / "handshake-demo.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}", None


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def connect_bot(sandbox: Sandbox, events_url: str, signing_secret: str) -> None:
    """Tell the sandbox where the bot's `/slack/events` is, so its page's clicks reach it."""
    connect = getattr(sandbox, "connect_bot", None)
    if callable(connect):
        connect(events_url)
    else:
        sandbox.state.bot_events_url = events_url  # type: ignore[attr-defined]
        sandbox.state.signing_secret = signing_secret  # type: ignore[attr-defined]
