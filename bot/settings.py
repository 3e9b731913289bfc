"""Process settings from the environment (and `.env`): DESIGN §2."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: str = Field(default="sqlite:///handshake.db", alias="DATABASE_URL")
    config_path: str = Field(default="handshake.yml", alias="HANDSHAKE_CONFIG")
    intake_token: str | None = Field(default=None, alias="HANDSHAKE_INTAKE_TOKEN")
    host: str = Field(default="127.0.0.1", alias="HANDSHAKE_HOST")
    port: int = Field(default=3000, ge=1, le=65535, alias="HANDSHAKE_PORT")
    # `serve` writes its process id here; `handshake reload` signals that process.
    pid_file: str = Field(default="handshake.pid", alias="HANDSHAKE_PID_FILE")
    tick_seconds: float = Field(default=15, gt=0, alias="HANDSHAKE_TICK_SECONDS")
    # Keep within Slack's rate limits ahead of time (bot/delivery/pacing.py). Off only
    # against a stand-in Slack that plays no limit (tests that push many posts quickly).
    slack_pacing: bool = Field(default=True, alias="HANDSHAKE_SLACK_PACING")
    # process: the delivery lanes and the SLA clock in a child process of `serve`
    # (bot/delivery/child.py), so the web side answers alone; thread: on threads of `serve`
    # (and of anything that builds the service in its own process: tests, the demo).
    delivery: Literal["thread", "process"] = Field(default="process", alias="HANDSHAKE_DELIVERY")
    # text: key=value lines; json: one JSON object per line (bot/observability/logs.py).
    log_format: Literal["text", "json"] = Field(default="text", alias="HANDSHAKE_LOG_FORMAT")

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value or None

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value and not value.startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value or None

    def missing_for_serve(self) -> list[str]:
        """One line per setting `serve` needs but does not have."""
        problems = []
        if not self.slack_bot_token:
            problems.append("SLACK_BOT_TOKEN: required for serve (xoxb-…)")
        if not self.slack_signing_secret:
            problems.append("SLACK_SIGNING_SECRET: required for serve")
        return problems

    def as_environment(self) -> dict[str, str]:
        """These settings as the environment variables that give them (unset ones left
        out): how `serve` hands its own settings to its delivery process."""
        values = self.model_dump(by_alias=True, exclude_none=True)
        return {name: _env_text(value) for name, value in values.items()}


def _env_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


class SettingsError(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def load_settings(**overrides: object) -> Settings:
    """Read the environment; raise SettingsError with one line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else "settings"
            alias = Settings.model_fields[name].alias if name in Settings.model_fields else name
            message = err["msg"].removeprefix("Value error, ").replace("Input should", "should", 1)
            if alias in _SHOWABLE and isinstance(err.get("input"), str):
                message += f' (got "{err["input"]}")'
            lines.append(f"{alias}: {message}")
        raise SettingsError(lines) from exc


# Settings whose value may be echoed in an error; tokens, secrets and DATABASE_URL
# (which may hold a password) never are.
_SHOWABLE = {
    "SLACK_API_URL",
    "HANDSHAKE_CONFIG",
    "HANDSHAKE_HOST",
    "HANDSHAKE_PORT",
    "HANDSHAKE_TICK_SECONDS",
    "HANDSHAKE_SLACK_PACING",
    "HANDSHAKE_LOG_FORMAT",
    "HANDSHAKE_DELIVERY",
}


def environment() -> dict[str, str]:
    """Where the config's `*_env` secrets are looked up: the process environment over the
    `.env` file of the working directory (read at each call, so a rotated secret is seen)."""
    from dotenv import dotenv_values

    from_file = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    return {**from_file, **os.environ}
