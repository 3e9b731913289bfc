"""Install what you import: every third-party module the shipped code imports (deferred
imports too) comes from a runtime dependency, so `pip install .` alone runs every command."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PACKAGES = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
SHIPPED = [
    ROOT / n.removesuffix("*")
    for n in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
]
FIRST_PARTY = {p.name for p in PACKAGES} | {"tests", "bench"}


def _name(requirement: str) -> str:
    """The distribution's normalized name: "psycopg[binary]>=3.1" -> "psycopg"."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def imported_modules() -> dict[str, set[str]]:
    """Top-level module -> the files importing it, for every absolute import in the code."""
    found: dict[str, set[str]] = {}
    for package in SHIPPED:
        for path in package.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_pyproject_ships_every_top_level_package():
    assert sorted(p.name for p in SHIPPED) == sorted(p.name for p in PACKAGES)


def test_every_third_party_import_is_a_runtime_dependency():
    runtime = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    dists = packages_distributions()
    missing = {}
    for module, files in imported_modules().items():
        if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
            continue
        providers = {_name(d) for d in dists.get(module, [module])}
        if not providers & runtime:
            missing[module] = sorted(files)
    assert missing == {}, f"imported but not a runtime dependency in pyproject.toml: {missing}"
