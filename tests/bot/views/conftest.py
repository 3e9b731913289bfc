"""Factories and Slack's limits (the sandbox's validator) for the pure view builder tests."""

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
from sandbox.blockkit import check_message, check_view
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


# --- Slack's limits: the stand-in Slack's own validator, plus the house rules -------------

FALLBACK_TEXT = 3000  # the house limit for a message's notification text (Slack's is 40,000)
_ESCAPED_KEYS = ("text", "action_id", "value", "private_metadata")


def _strings(payload: Any, key: str = "") -> list[tuple[str, str]]:
    """(key, value) of every string in the payload, however deep."""
    if isinstance(payload, str):
        return [(key, payload)]
    if isinstance(payload, dict):
        return [pair for k, value in payload.items() for pair in _strings(value, k)]
    if isinstance(payload, list):
        return [pair for item in payload for pair in _strings(item, key)]
    return []


def slack_limit_problems(payload: dict[str, Any], *, surface: str = "message") -> list[str]:
    """Every Slack limit the payload breaks (empty list: Slack would take it).

    `surface` is "message", or anything else for a view (a modal or a Home, told apart by
    its type). Slack's limits are the sandbox's (sandbox/blockkit.py, the one copy the
    stand-in Slack enforces too), with slack_sdk's model validation as a second opinion;
    on top, the house rules Slack does not enforce: at least one block, a message's
    fallback text of 1..3000 characters, and no broken or unescaped entity in text, ids,
    values or metadata."""
    blocks = payload.get("blocks")
    if surface == "message":
        problems = check_message(payload.get("text"), blocks)
        text = payload.get("text")
        if not isinstance(text, str) or not text or len(text) > FALLBACK_TEXT:
            problems.append(f"text: not 1..{FALLBACK_TEXT} characters")
    else:
        problems = check_view(payload)
    if not blocks:
        problems.append("blocks: none")
    problems += [
        f"{key}: broken or unescaped entity in {value[-40:]!r}"
        for key, value in _strings(payload)
        if key in _ESCAPED_KEYS and BROKEN_ENTITY.search(value)
    ]
    for i, block in enumerate(blocks or []):
        try:
            Block.parse(block).validate_json()
        except Exception as exc:
            problems.append(f"blocks[{i}]: slack_sdk: {exc}")
    if surface != "message":
        try:
            View(**payload).validate_json()
        except Exception as exc:
            problems.append(f"view: slack_sdk: {exc}")
    return problems


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
