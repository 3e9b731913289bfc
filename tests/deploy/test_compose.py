"""docker-compose.yml (issue 16 §1), read for what it promises: no container runtime
starts it here (README, "Deploy"), so its shape is what can be checked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def bots(services: dict) -> dict[str, dict]:
    return {name: s for name, s in services.items() if s.get("build") == "."}


def test_postgres_is_health_checked_and_keeps_its_data_on_a_volume():
    postgres = compose()["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in compose()["volumes"]


def test_handshake_starts_once_postgres_is_healthy_and_uses_it():
    replicas = bots(compose()["services"])
    assert replicas
    for service in replicas.values():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]


def test_secrets_come_from_an_env_file_git_and_the_image_never_see():
    for service in bots(compose()["services"]).values():
        assert service["env_file"] == ".env"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False, timeout=30
    )
    assert ignored.returncode == 0
    tracked = subprocess.run(
        ["git", "ls-files", ".env"], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert tracked.stdout.strip() == ""
    dockerignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert "*" in dockerignore and "!.env" not in dockerignore  # all out, some back in


def test_a_second_replica_is_one_profile_away():
    replicas = bots(compose()["services"])
    always = [name for name, s in replicas.items() if not s.get("profiles")]
    optional = [name for name, s in replicas.items() if s.get("profiles")]
    assert len(always) == 1 and optional
    ports = [p.split(":")[0] for s in replicas.values() for p in s.get("ports", [])]
    assert len(ports) == len(set(ports))  # each replica its own host port
