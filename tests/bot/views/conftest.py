"""Factories and a Slack limit checker for the pure view builder tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.views import CardContext
from storage.models import PENDING, Handoff, Lead

NOW = datetime(2026, 11, 24, 19, 30)  # naive UTC, a Tuesday

# A "&" that does not start one of the three entities: an escape cut in half, or unescaped.
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def make_lead(**overrides: Any) -> Lead:
    fields: dict[str, Any] = {
        "id": 11,
        "source": "hubspot",
        "external_id": "ext-1",
        "email": "dana@acme.example",
        "first_name": "Dana",
        "last_name": "Scully",
        "title": "VP Operations",
        "company": "Acme",
        "country": "US",
        "industry": "Logistics",
        "employees": 1200,
        "score": 72.0,
        "campaign": "webinar-nov",
        "activities": [
            {"type": "webinar", "detail": "Attended", "at": "2026-11-20T15:00:00Z"},
            {
                "type": "pricing_page",
                "detail": "Viewed pricing",
                "at": "2026-11-22T09:00:00Z",
                "duration_s": 125,
            },
        ],
        "notes": "Asked about SSO.",
        "crm_url": "https://crm.example/leads/11",
        "status": "routed",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return Lead(**fields)


def make_handoff(**overrides: Any) -> Handoff:
    fields: dict[str, Any] = {
        "id": 42,
        "lead_id": 11,
        "owner_id": "U0AE00001",
        "team": "enterprise",
        "rule": "round_robin",
        "contract_version": "2026-11",
        "signals": ["demo_request", "icp_industry"],
        "status": PENDING,
        "created_at": NOW,
        "due_at": NOW,
    }
    fields.update(overrides)
    return Handoff(**fields)


def make_ctx(*, lead: Lead | None = None, handoff: Handoff | None = None, **kw: Any) -> CardContext:
    kw.setdefault("owner_name", "Ana Alvarez")
    kw.setdefault("owner_tz", "America/New_York")
    return CardContext(lead=lead or make_lead(), handoff=handoff or make_handoff(), **kw)


@pytest.fixture
def kit() -> SimpleNamespace:
    """Factories for test objects: `kit.lead(...)`, `kit.handoff(...)`, `kit.ctx(...)`."""
    return SimpleNamespace(lead=make_lead, handoff=make_handoff, ctx=make_ctx)


# --- Slack's limits, written out independently of bot/views/blocks.py ---------------------


class _Limits:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, obj: Any, where: str, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            self.problems.append(f"{where}: not a text object")
            return
        if plain_only and obj["type"] != "plain_text":
            self.problems.append(f"{where}: must be plain_text")
        self.string(obj.get("text"), where, limit, required=True)

    def string(self, value: Any, where: str, limit: int, *, required: bool = False) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str) or (required and not value):
            self.problems.append(f"{where}: empty or not a string")
        elif len(value) > limit:
            self.problems.append(f"{where}: {len(value)} > {limit}")
        elif BROKEN_ENTITY.search(value):
            self.problems.append(f"{where}: broken or unescaped entity in {value[-40:]!r}")

    def element(self, el: dict[str, Any], where: str) -> None:
        self.string(el.get("action_id"), f"{where}.action_id", 255)
        if "placeholder" in el:
            self.text(el["placeholder"], f"{where}.placeholder", 150, plain_only=True)
        if el.get("type") == "button":
            self.text(el.get("text"), f"{where}.text", 75, plain_only=True)
            self.string(el.get("value"), f"{where}.value", 2000)
            if "url" in el and (not isinstance(el["url"], str) or len(el["url"]) > 3000):
                self.problems.append(f"{where}.url: too long")
            if el.get("style") not in (None, "primary", "danger"):
                self.problems.append(f"{where}.style: {el.get('style')}")
        options = el.get("options", [])
        if len(options) > 100:
            self.problems.append(f"{where}.options: {len(options)} > 100")
        for i, opt in enumerate(options):
            self.text(opt.get("text"), f"{where}.options[{i}].text", 75)
            self.string(opt.get("value"), f"{where}.options[{i}].value", 150, required=True)

    def block(self, block: dict[str, Any], where: str) -> None:
        kind = block.get("type")
        if kind == "header":
            self.text(block.get("text"), f"{where}.text", 150, plain_only=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                self.problems.append(f"{where}: no text or fields")
            if "text" in block:
                self.text(block["text"], f"{where}.text", 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                self.problems.append(f"{where}.fields: {len(fields)} > 10")
            for i, field in enumerate(fields):
                self.text(field, f"{where}.fields[{i}]", 2000)
        elif kind == "context":
            elements = block.get("elements", [])
            if not elements or len(elements) > 10:
                self.problems.append(f"{where}.elements: {len(elements)} not in 1..10")
            for i, el in enumerate(elements):
                self.text(el, f"{where}.elements[{i}]", 3000)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not elements or len(elements) > 25:
                self.problems.append(f"{where}.elements: {len(elements)} not in 1..25")
            for i, el in enumerate(elements):
                self.element(el, f"{where}.elements[{i}]")
        elif kind == "input":
            self.text(block.get("label"), f"{where}.label", 2000, plain_only=True)
            self.element(block.get("element", {}), f"{where}.element")
        elif kind != "divider":
            self.problems.append(f"{where}: unexpected block type {kind}")


def slack_limit_problems(payload: dict[str, Any], *, surface: str = "message") -> list[str]:
    """Every Slack limit the payload breaks (empty list: Slack would take it)."""
    limits = _Limits()
    blocks = payload.get("blocks", [])
    if surface == "message":
        limits.string(payload.get("text"), "text", 3000, required=True)
        max_blocks = 50
    else:
        for key in ("title", "submit", "close"):
            limits.text(payload.get(key), key, 24, plain_only=True)
        limits.string(payload.get("private_metadata"), "private_metadata", 3000)
        max_blocks = 100
    if not blocks or len(blocks) > max_blocks:
        limits.problems.append(f"blocks: {len(blocks)} not in 1..{max_blocks}")
    for i, block in enumerate(blocks):
        limits.block(block, f"blocks[{i}]")
        try:  # and slack_sdk's own model validation, as a second opinion
            Block.parse(block).validate_json()
        except Exception as exc:
            limits.problems.append(f"blocks[{i}]: slack_sdk: {exc}")
    if surface == "modal":
        try:
            View(**payload).validate_json()
        except Exception as exc:
            limits.problems.append(f"view: slack_sdk: {exc}")
    return limits.problems


@pytest.fixture
def check_limits() -> Callable[..., list[str]]:
    return slack_limit_problems


# --- Reading payloads back ------------------------------------------------------------------


def _texts(payload: Any) -> list[str]:
    if isinstance(payload, dict):
        return [
            t
            for key, value in payload.items()
            for t in ([value] if key == "text" and isinstance(value, str) else _texts(value))
        ]
    if isinstance(payload, list):
        return [t for item in payload for t in _texts(item)]
    return []


SLACK_DATE = re.compile(r"<!date\^-?\d+\^[^|<>]*\|([^<>]*)>")


def as_read(text: str) -> str:
    """Slack's date tokens replaced by their fallback text, as a client that can't localise
    them (or the sandbox) shows them."""
    return SLACK_DATE.sub(r"\1", text)


def visible_text(payload: dict[str, Any]) -> str:
    """Every "text" string of a payload (text objects and the fallback), one per line, as
    read (date tokens as their fallback text)."""
    return as_read("\n".join(_texts(payload)))


def button_rows(payload: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(text, action_id, value) of every button, in order."""
    return [
        (el["text"]["text"], el["action_id"], el.get("value"))
        for block in payload["blocks"]
        if block["type"] == "actions"
        for el in block["elements"]
        if el.get("type") == "button"
    ]


@pytest.fixture
def visible() -> Callable[[dict[str, Any]], str]:
    return visible_text


@pytest.fixture
def buttons() -> Callable[[dict[str, Any]], list[tuple[str, str, str | None]]]:
    return button_rows
