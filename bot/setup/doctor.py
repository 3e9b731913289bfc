"""`handshake doctor`: one line per check, ✓ or ✗, with what to do about each ✗.

Checks, in order: the config file, the Slack token (auth.test), its scopes (the
`x-oauth-scopes` header against the manifest's), the hand-off channel (exists, the bot is a
member), the roster (each person exists in Slack, is active, has the configured email; people
given by email are looked up), the database (reachable, writable, migrated), each webhook
(a signed `ping` event) and CRM (a read-only call), and the intake token. Nothing is written
anywhere: the database write is rolled back, the CRM calls only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.clock import utcnow
from bot.config import ConfigError, HandshakeConfig, load_config
from bot.settings import Settings, environment

if TYPE_CHECKING:
    import httpx
    from slack_sdk import WebClient

# The bot scopes manifest.yml asks for (tests/bot/setup checks they agree).
REQUIRED_SCOPES = (
    "chat:write",
    "commands",
    "im:write",
    "im:history",
    "channels:history",
    "groups:history",
    "users:read",
    "users:read.email",
    "files:write",
)
NO_TOKEN = "not checked: needs a working Slack token (see above)"


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.text}"


def good(text: str) -> Check:
    return Check(True, text)


def bad(text: str) -> Check:
    return Check(False, text)


def run_doctor(
    settings: Settings,
    *,
    client: WebClient | None = None,
    http: httpx.Client | None = None,
    environ: dict[str, str] | None = None,
) -> Iterator[Check]:
    """Every check, one at a time (so the slow ones show as they run)."""
    environ = environment() if environ is None else environ
    config: HandshakeConfig | None = None
    try:
        config = load_config(settings.config_path, environ=environ)
        yield good(f"Config {settings.config_path}: valid")
    except ConfigError as exc:
        for problem in exc.problems:
            yield bad(f"Config: {problem} — fix it; `handshake check-config` lists every problem")
    slack_ok = False
    if not settings.slack_bot_token:
        yield bad(
            "Slack token: SLACK_BOT_TOKEN is not set — copy the Bot User OAuth Token "
            "(xoxb-…) from the app's OAuth & Permissions page"
        )
    else:
        if client is None:
            from slack_sdk import WebClient

            client = WebClient(
                token=settings.slack_bot_token,
                base_url=settings.slack_api_url,
                timeout=15,
                retry_handlers=[],
            )
        auth = _auth(client)
        yield auth[0]
        slack_ok = auth[0].ok
        if slack_ok:
            yield _scopes(auth[1])
    if config is not None:
        if slack_ok and client is not None:
            yield _channel(client, config.handoff_channel)
            yield from _roster(client, config)
        else:
            yield bad(f"Hand-off channel {config.handoff_channel}: {NO_TOKEN}")
            yield bad(f"Roster: {NO_TOKEN}")
    yield from _database(settings.database_url)
    if config is not None:
        yield from _webhooks(config, http)
        yield from _crm(config, http, environ)
    if settings.intake_token:
        yield good("Intake token: HANDSHAKE_INTAKE_TOKEN is set")
    else:
        yield bad(
            "Intake token: HANDSHAKE_INTAKE_TOKEN is not set — set it to a long random "
            "string (e.g. `openssl rand -hex 32`) and give it to the systems that send "
            "leads; POST /api/leads refuses every lead without it"
        )


# --- Slack -------------------------------------------------------------------------------------


def _slack_error(exc: Exception) -> str:
    from slack_sdk.errors import SlackApiError

    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error") or exc)
    return str(exc)


def _auth(client: WebClient) -> tuple[Check, set[str] | None]:
    try:
        response = client.auth_test()
    except Exception as exc:
        error = _slack_error(exc)
        fix = (
            "check SLACK_BOT_TOKEN: copy the Bot User OAuth Token (xoxb-…) from the app's "
            "OAuth & Permissions page (reinstall the app if it was revoked)"
            if error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive")
            else "check SLACK_API_URL and the network"
        )
        return bad(f"Slack token: auth.test failed ({error}) — {fix}"), None
    header = next(
        (v for k, v in (response.headers or {}).items() if k.lower() == "x-oauth-scopes"), None
    )
    scopes = {s.strip() for s in header.split(",") if s.strip()} if header is not None else None
    team, user = response.get("team_id"), response.get("user_id")
    return good(f"Slack token: auth.test ok (team {team}, bot {user})"), scopes


def _scopes(granted: set[str] | None) -> Check:
    if granted is None:
        return bad(
            "Scopes: Slack sent no x-oauth-scopes header — check SLACK_API_URL points "
            "at Slack's Web API"
        )
    missing = [s for s in REQUIRED_SCOPES if s not in granted]
    if missing:
        return bad(
            f"Scopes: missing {', '.join(missing)} — add them under "
            "oauth_config.scopes.bot in manifest.yml and reinstall the app"
        )
    return good(f"Scopes: all {len(REQUIRED_SCOPES)} the manifest asks for")


def _channel(client: WebClient, channel: str) -> Check:
    """conversations.history, one message: it answers not_in_channel when the bot is not a
    member, and needs no scope beyond those the bot has (conversations.info would)."""
    try:
        client.conversations_history(channel=channel, limit=1)
    except Exception as exc:
        error = _slack_error(exc)
        if error == "channel_not_found":
            return bad(
                f"Hand-off channel {channel}: not found — check handoff_channel (channel "
                "details → About → Channel ID); a private channel: invite the bot first"
            )
        if error == "not_in_channel":
            return bad(
                f"Hand-off channel {channel}: the bot is not a member — in the channel, "
                "type /invite @handshake"
            )
        return bad(f"Hand-off channel {channel}: conversations.history failed ({error})")
    return good(f"Hand-off channel {channel}: exists, the bot is a member")


def _roster(client: WebClient, config: HandshakeConfig) -> Iterator[Check]:
    problems = 0
    for i, person in enumerate(config.people):
        who = f"people[{i}] {person.name}"
        if person.slack_id:
            call: Callable[[], Any] = lambda p=person: client.users_info(user=p.slack_id)  # noqa: E731
            given = person.slack_id
        else:
            call = lambda p=person: client.users_lookupByEmail(email=p.email)  # noqa: E731
            given = person.email
        try:
            user = call().get("user") or {}
        except Exception as exc:
            error = _slack_error(exc)
            problems += 1
            if error == "user_not_found":
                yield bad(
                    f"{who}: {given} is not a user of this workspace — correct slack_id "
                    "(profile → ⋯ → Copy member ID)"
                )
            elif error == "users_not_found":
                yield bad(
                    f"{who}: {given} is not a user of this workspace — correct the email, "
                    "or give their slack_id"
                )
            else:
                yield bad(f"{who}: looking up {given} failed ({error})")
            continue
        email = (user.get("profile") or {}).get("email")
        if user.get("deleted"):
            problems += 1
            yield bad(
                f"{who} ({user.get('id')}): deactivated in Slack — remove them from "
                "people, or reactivate the account"
            )
        elif email is not None and email.casefold() != person.email.casefold():
            problems += 1
            yield bad(
                f"{who} ({user.get('id')}): Slack has email {email}, the config "
                f"{person.email} — correct people[{i}].email"
            )
        elif email is None:
            problems += 1
            yield bad(
                f"{who} ({user.get('id')}): Slack showed no email — add the "
                "users:read.email scope and reinstall the app"
            )
    if not problems:
        by_email = len(config.by_email())
        how = f" ({by_email} found by email)" if by_email else ""
        yield good(
            f"Roster: {len(config.people)} people found in Slack, active, their emails "
            f"as configured{how}"
        )


# --- the database ------------------------------------------------------------------------------


def _database(url: str) -> Iterator[Check]:
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import ArgumentError

    from storage.db import make_engine, ping, write_problem
    from storage.migrate import alembic_config, current_revision

    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError):
        yield bad(
            "Database: DATABASE_URL is not usable — expected one like "
            "sqlite:///handshake.db or postgresql://user@host/db"
        )
        return
    where = engine.url.render_as_string(hide_password=True)
    try:
        file = engine.url.database if engine.dialect.name == "sqlite" else None
        if file and file != ":memory:" and not _exists(file):
            yield bad(f"Database {where}: no such file — run `handshake migrate` to create it")
            return
        if not ping(engine):
            yield bad(
                f"Database {where}: cannot connect — check DATABASE_URL and that the "
                "server is running"
            )
            return
        problem = write_problem(engine)
        if problem:
            yield bad(
                f"Database {where}: not writable ({problem}) — check the file's or the "
                "user's permissions and the free space"
            )
        else:
            yield good(f"Database {where}: reachable and writable")
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        current = current_revision(engine)
        if current != head:
            yield bad(
                f"Database {where}: at revision {current or 'none'}, the code needs "
                f"{head} — run `handshake migrate`"
            )
        else:
            yield good(f"Database {where}: migrated (revision {head})")
    finally:
        engine.dispose()


def _exists(path: str) -> bool:
    """Whether the SQLite file is there (a `file:…?mode=ro` URI names a file too)."""
    from pathlib import Path

    if path.startswith("file:"):
        path = path.removeprefix("file:").split("?", 1)[0]
    return Path(path).exists()


# --- webhooks and CRMs -------------------------------------------------------------------------


def _webhooks(config: HandshakeConfig, http: httpx.Client | None) -> Iterator[Check]:
    from bot.delivery.ping import ping

    for i, hook in enumerate(config.webhooks):
        result = ping(hook.url, hook.secret, clock=utcnow, http=http)
        if result.ok:
            yield good(f"Webhook webhooks[{i}] {hook.url}: accepted a signed ping")
        else:
            why = result.lines[-1].removeprefix("failed: ")
            yield bad(
                f"Webhook webhooks[{i}] {hook.url}: {why} — check the receiver is up and "
                f"verifies with the secret in {hook.secret_env}"
            )


def _crm(
    config: HandshakeConfig, http: httpx.Client | None, environ: dict[str, str]
) -> Iterator[Check]:
    import httpx

    from bot.integrations import hubspot, salesforce
    from bot.integrations.errors import VendorRefused, VendorRetry
    from bot.integrations.http import send

    if config.crm is None:
        return
    own = http is None
    client = http or httpx.Client(timeout=15)
    try:
        if (hs := config.crm.hubspot) is not None:
            try:
                send(
                    client,
                    "GET",
                    f"{hs.api_url}/crm/v3/owners?limit=1",
                    vendor="HubSpot",
                    describe=hubspot.describe_error,
                    creates=False,
                    headers={"Authorization": f"Bearer {environ.get(hs.token_env, '')}"},
                )
                yield good(f"CRM HubSpot {hs.api_url}: the token reads owners")
            except (VendorRefused, VendorRetry) as exc:
                yield bad(
                    f"CRM HubSpot {hs.api_url}: {exc} — check the private app token in "
                    f"{hs.token_env} and its crm.objects.owners.read scope"
                )
        if (sf := config.crm.salesforce) is not None:
            sf_client = salesforce.SalesforceClient(
                client, sf, environ.get(sf.client_id_env, ""), environ.get(sf.client_secret_env, "")
            )
            try:
                sf_client.check()
                yield good(f"CRM Salesforce {sf.instance_url}: token and limits call ok")
            except (VendorRefused, VendorRetry) as exc:
                yield bad(
                    f"CRM Salesforce {sf.instance_url}: {exc} — check the connected app "
                    f"and {sf.client_id_env} / {sf.client_secret_env}"
                )
    finally:
        if own:
            client.close()
