"""manifest.yml validates against Slack's schema and declares what the bot uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = ROOT.parent / "shared" / "slack" / "validate_manifest.py"


def test_manifest_validates_against_slacks_schema():
    if not VALIDATOR.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{VALIDATOR} is missing")
        pytest.skip(f"{VALIDATOR} is not beside this checkout")
    done = subprocess.run(
        [sys.executable, str(VALIDATOR), str(ROOT / "manifest.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_manifest_declares_the_surfaces_the_bot_uses():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "commands",
        "im:write",
        "im:history",
        "channels:history",
        "users:read",
    } <= scopes
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/handshake"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
