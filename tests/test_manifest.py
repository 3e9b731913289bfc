"""Both Slack app manifests validate against Slack's schema, each is consistent with how
Slack will reach the bot, and they ask for exactly the scopes the bot's calls need."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = next(
    (
        found
        for up in (ROOT.parent, ROOT.parent.parent)
        if (found := up / "shared" / "slack" / "validate_manifest.py").exists()
    ),
    ROOT.parent / "shared" / "slack" / "validate_manifest.py",
)
HTTP, SOCKET_MODE = "manifest.yml", "manifest.socket-mode.yml"
MANIFESTS = [HTTP, SOCKET_MODE]
EVENTS_URL = "https://handshake.example.com/slack/events"

# The bot scopes each Web API method needs (docs.slack.dev/reference/methods/…).
# conversations.history/replies: the DM (im), a public or a private hand-off channel.
HISTORY = {"channels:history", "groups:history", "im:history"}
METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_delete": {"chat:write"},
    "chat_getPermalink": set(),
    "chat_postEphemeral": {"chat:write"},
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_history": HISTORY,
    "conversations_open": {"im:write"},
    "conversations_replies": HISTORY,
    "files_completeUploadExternal": {"files:write"},
    "files_getUploadURLExternal": {"files:write"},
    "users_info": {"users:read"},
    "users_list": {"users:read"},
    "users_lookupByEmail": {"users:read.email"},
    "views_open": set(),
    "views_publish": set(),
    "views_push": set(),
    "views_update": set(),
}
FAMILIES = (  # not "team": too many of the bot's own names start with team_
    "auth|bookmarks|bots|chat|conversations|dnd|emoji|files|pins|reactions|reminders|search"
    "|usergroups|users|views"
)
CALL = re.compile(rf"""(?:\.|["'])((?:{FAMILIES})_[A-Za-z]+)(?:\(|["'])""")


def load(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / name).read_text()))


def methods_the_bot_calls() -> set[str]:
    """Web API methods named in the bot's code: `client.users_info(` or an outbox row's
    `"chat_postMessage"`; the sandbox and the demo are not the bot."""
    found: set[str] = set()
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            if {"sandbox", "demo"} & set(path.relative_to(ROOT).parts):
                continue
            found |= set(CALL.findall(path.read_text()))
    return found


def urls(manifest: dict[str, Any]) -> list[str]:
    settings, features = manifest["settings"], manifest["features"]
    return [
        *(c["url"] for c in features["slash_commands"] if "url" in c),
        *(
            settings[key]["request_url"]
            for key in ("event_subscriptions", "interactivity")
            if "request_url" in settings.get(key, {})
        ),
    ]


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_validates_against_slacks_schema(name: str) -> None:
    if not VALIDATOR.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{VALIDATOR} is missing")
        pytest.skip(f"{VALIDATOR} is not beside this checkout")
    done = subprocess.run(
        [sys.executable, str(VALIDATOR), str(ROOT / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_declares_the_surfaces_the_bot_uses(name: str) -> None:
    manifest = load(name)
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/handshake"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_the_http_manifest_sends_everything_to_slack_events() -> None:
    manifest = load(HTTP)
    assert manifest["settings"]["socket_mode_enabled"] is False  # else Slack sends no HTTP
    assert urls(manifest) == [EVENTS_URL] * 3  # the command, events and interactivity


def test_the_socket_mode_manifest_has_no_urls() -> None:
    manifest = load(SOCKET_MODE)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert urls(manifest) == []


def test_both_manifests_say_the_same_apart_from_how_slack_reaches_the_bot() -> None:
    def without_transport(manifest: dict[str, Any]) -> dict[str, Any]:
        for command in manifest["features"]["slash_commands"]:
            command.pop("url", None)
        for key in ("event_subscriptions", "interactivity"):
            manifest["settings"][key].pop("request_url", None)
        manifest["settings"].pop("socket_mode_enabled")
        return manifest

    assert without_transport(load(HTTP)) == without_transport(load(SOCKET_MODE))


def test_every_method_the_bot_calls_has_its_scopes_known() -> None:
    called = methods_the_bot_calls()
    assert {"chat_postMessage", "users_info", "conversations_history"} <= called
    assert called - METHOD_SCOPES.keys() == set(), "add the new method's scopes to METHOD_SCOPES"


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_asks_for_exactly_the_scopes_the_bot_needs(name: str) -> None:
    needed = {"commands"}  # /handshake
    for method in methods_the_bot_calls():
        needed |= METHOD_SCOPES.get(method, set())
    scopes = load(name)["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes))
    assert set(scopes) == needed
    # users:read.email is asked for only because people may be given by email alone
    assert "users:read.email" in scopes
