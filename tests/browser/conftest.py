"""Browser tests: Playwright drives Debian's Chromium against `handshake demo`'s page.

Locally they skip with a clear message when /usr/bin/chromium or Playwright is missing;
under CI (CI=true) a missing browser is a failure, never a skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.demo.runner import Demo

CHROMIUM = Path(os.environ.get("HANDSHAKE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[dev]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo() -> Iterator[Demo]:
    demo = Demo(port=0, leads=0, every=0, seed=11)
    demo.start()
    yield demo
    demo.stop()


@pytest.fixture
def page(browser, demo: Demo):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def post_lead(demo: Demo, **fields: object) -> dict[str, object]:
    """A lead whose CRM record names Ana (an AE) as its owner, so it goes to her; pass
    `owner_email=None` for one without, which goes to the team's SDR first."""
    body = {
        "external_id": str(int.from_bytes(os.urandom(4), "big")),  # a HubSpot record's id
        "source": "hubspot",
        "email": "jordan.lee@acme-logistics.example",
        "first_name": "Jordan",
        "last_name": "Lee",
        "title": "VP Operations",
        "company": "Acme Logistics",
        "company_domain": "acme-logistics.example",
        "country": "US",
        "industry": "Logistics",
        "employees": 1200,
        "score": 78,
        "campaign": "Q4 webinar: Logistics automation",
        "activities": [
            {"type": "page_view", "detail": "/pricing", "at": "2026-11-20T15:04:00Z"},
            {
                "type": "session",
                "detail": "Docs and pricing",
                "duration_s": 1320,
                "at": "2026-11-20T15:00:00Z",
            },
            {
                "type": "webinar_attended",
                "detail": "Logistics automation 101",
                "at": "2026-11-18T17:00:00Z",
            },
        ],
        "notes": "Asked about SSO and a rollout to 3 warehouses.",
        "crm_url": "https://crm.example/leads/4411",
        "owner_email": "ana@northwind-demo.example",
        **fields,
    }
    body = {key: value for key, value in body.items() if value is not None}
    if demo.destinations is not None:  # its record in the stand-in CRM it came from
        demo.destinations.add_record(body)
    response = httpx.post(
        str(demo.intake_url), json=body, headers={"Authorization": f"Bearer {demo.intake_token}"}
    )
    assert response.status_code == 202, response.text
    return response.json()
