"""`handshake --version` (issue 16 §6): the installed distribution's version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_installed_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"handshake {version('handshake-bot')}"


def test_the_installed_version_is_pyproject_s():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert version("handshake-bot") == pyproject["project"]["version"]


def test_the_console_script_answers_without_a_config_or_a_database(tmp_path):
    script = Path(sys.executable).parent / "handshake"
    done = subprocess.run(
        [str(script), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["handshake", version("handshake-bot")]
    assert list(tmp_path.iterdir()) == []  # touched nothing: no database, no pid file
