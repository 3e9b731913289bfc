"""The container image (issue 16 §1), checked without a container runtime: the Dockerfile
is read for what it promises (multi-stage, a user that is not root, a HEALTHCHECK on
/healthz, the lock installed with hashes), then its exact ENTRYPOINT + CMD runs here,
with the image's environment, against the stand-in Slack and a SQLite file, and its
exact HEALTHCHECK command is asked whether that process is healthy. The command tested
is read from the Dockerfile, so the two cannot drift apart."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import yaml

from tests import factories as f
from tests.conftest import BOT_TOKEN, INTAKE_TOKEN, SIGNING_SECRET
from tests.e2e.test_serve import free_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
VENV_IN_IMAGE = "/opt/handshake/bin"  # where the image's PATH finds `handshake`


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: comments dropped, continued lines joined."""
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    found = []
    for line in logical:
        keyword, _, rest = line.strip().partition(" ")
        found.append((keyword.upper(), rest.strip()))
    return found


def final_stage(text: str) -> list[tuple[str, str]]:
    steps = instructions(text)
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) instruction's argv; a shell form would need a shell the
    slim image's entrypoint does not go through, and is refused."""
    argv = json.loads(arguments)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), arguments
    return argv


def one(stage: list[tuple[str, str]], keyword: str) -> str:
    found = [rest for kw, rest in stage if kw == keyword]
    assert len(found) == 1, f"{keyword}: {found}"
    return found[0]


def image_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def image_command(stage: list[tuple[str, str]]) -> list[str]:
    return exec_form(one(stage, "ENTRYPOINT")) + exec_form(one(stage, "CMD"))


def healthcheck_command(stage: list[tuple[str, str]]) -> list[str]:
    rest = one(stage, "HEALTHCHECK")
    options, _, command = rest.partition("CMD ")
    assert all(option.startswith("--") for option in options.split()), rest
    return exec_form(command)


# -- what the Dockerfile promises -----------------------------------------------------


def test_the_dockerfile_is_multi_stage_and_the_runtime_copies_only_the_virtualenv():
    steps = instructions(DOCKERFILE.read_text())
    stages = [rest for keyword, rest in steps if keyword == "FROM"]
    assert len(stages) >= 2
    copies = [rest for keyword, rest in final_stage(DOCKERFILE.read_text()) if keyword == "COPY"]
    assert copies and all(rest.startswith("--from=") for rest in copies)


def test_the_runtime_runs_as_a_user_that_is_not_root():
    user = one(final_stage(DOCKERFILE.read_text()), "USER").split(":")[0]
    assert user not in {"root", "0", ""}


def test_the_healthcheck_asks_healthz_on_the_port_serve_listens_on():
    stage = final_stage(DOCKERFILE.read_text())
    command = " ".join(healthcheck_command(stage))
    assert "/healthz" in command
    assert "HANDSHAKE_PORT" in command  # follows the port, not a number of its own
    assert image_env(stage)["HANDSHAKE_HOST"] == "0.0.0.0"  # reachable from outside


def test_the_build_installs_the_lock_with_hashes_and_nothing_unpinned():
    runs = [rest for keyword, rest in instructions(DOCKERFILE.read_text()) if keyword == "RUN"]
    installs = [r for r in runs if "pip install" in r]
    assert any("--require-hashes" in r and "-r requirements.lock" in r for r in installs)
    # Handshake itself goes in without resolving anything: every dependency is the lock's.
    assert all("--require-hashes" in r or "--no-deps" in r for r in installs)


def locked() -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.M)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins}


def test_the_lock_pins_every_runtime_and_build_dependency_with_hashes():
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = pyproject["project"]["dependencies"] + pyproject["build-system"]["requires"]
    pins = locked()
    for line in wanted:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in requirements.lock: refresh it (README, Deploy)"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
    blocks = re.split(r"\n(?=[A-Za-z])", (ROOT / "requirements.lock").read_text())
    pinned = [block for block in blocks if re.match(r"[A-Za-z0-9._-]+==", block)]
    assert len(pinned) == len(pins)
    assert all("--hash=sha256:" in block for block in pinned)


# -- the image's command, run here ----------------------------------------------------


def test_the_image_command_serves_and_its_healthcheck_says_so(tmp_path, slack):
    stage = final_stage(DOCKERFILE.read_text())
    command = image_command(stage)
    env = image_env(stage)
    bin_dir = str(Path(sys.executable).parent)  # this environment's /opt/handshake/bin
    assert env["PATH"].startswith(VENV_IN_IMAGE + ":")
    config = tmp_path / "config" / "handshake.yml"
    config.parent.mkdir()
    config.write_text(yaml.safe_dump(f.config_data()))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HANDSHAKE_"))},
        **env,
        # The image's paths (/data, /config, /opt/handshake) mapped to this machine's.
        "PATH": env["PATH"].replace(VENV_IN_IMAGE, bin_dir).replace("$PATH", os.environ["PATH"]),
        "HANDSHAKE_CONFIG": str(config),
        "HANDSHAKE_PID_FILE": str(tmp_path / "data" / "handshake.pid"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'handshake.db'}",
        "HANDSHAKE_PORT": str(port),
        # What docker-compose's .env gives it.
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "HANDSHAKE_INTAKE_TOKEN": INTAKE_TOKEN,
    }
    (tmp_path / "data").mkdir()
    slack.state.now = time.time  # a real process runs on real time

    def healthcheck() -> int:
        argv = healthcheck_command(stage)
        done = subprocess.run(argv, env=env, capture_output=True, timeout=30)
        return done.returncode

    assert healthcheck() != 0  # nothing listens yet: the check can fail
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=tmp_path / "data",  # the image's WORKDIR
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(lambda: proc.poll() is not None or healthcheck() == 0, timeout=60, interval=0.5)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert (tmp_path / "data" / "handshake.db").exists()
        assert (tmp_path / "data" / "handshake.pid").read_text().strip() == str(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert healthcheck() != 0
