"""Realistic sample leads for the demo: deterministic for a given seed, prefix and clock.

Every fifth lead (the 4th, 9th, …) stays below the qualification contract, so the demo
shows nurture as well as hand-offs; the rest qualify by score or by a demo request.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from bot.clock import utcnow

FIRST_NAMES = [
    "Jordan", "Priya", "Lukas", "Amara", "Diego", "Hannah", "Kenji", "Sofia", "Malik",
    "Claire", "Mateo", "Ingrid", "Tomás", "Aisha", "Oliver", "Mei", "Rafael", "Freya",
    "Samuel", "Noor", "Elena", "Callum", "Yusuf", "Camille",
]  # fmt: skip
LAST_NAMES = [
    "Lee", "Sharma", "Becker", "Okafor", "Hernández", "Schmidt", "Tanaka", "Rossi",
    "Johnson", "Dubois", "García", "Lindqvist", "O'Brien", "Khan", "Walsh", "Chen",
    "Costa", "Nielsen", "Adeyemi", "Haddad", "Novak", "Fraser", "Demir", "Laurent",
]  # fmt: skip
TITLES = [
    "VP Operations", "Head of Logistics", "Director of Supply Chain", "CFO",
    "IT Manager", "Chief Operating Officer", "Procurement Lead", "Head of Finance Systems",
    "Operations Analyst", "VP Customer Success", "Director of IT", "Warehouse Manager",
]  # fmt: skip
# (company, domain, industry, employees, country)
COMPANIES = [
    ("Acme Freight", "acmefreight.example", "Logistics", 1200, "US"),
    ("Blue Harbor Foods", "blueharbor.example", "Food & Beverage", 640, "US"),
    ("Maple Ridge Health", "mapleridge.example", "Healthcare", 2300, "CA"),
    ("Summit Components", "summitcomp.example", "Manufacturing", 880, "US"),
    ("Northwind Retail", "northwind-retail.example", "Retail", 4100, "CA"),
    ("Cobalt Insurance", "cobalt-ins.example", "Insurance", 1500, "US"),
    ("Granite Peak Logistics", "granitepeak.example", "Logistics", 2700, "US"),
    ("Harborview Medical Supply", "harborview.example", "Healthcare", 530, "US"),
    ("Prairie Cold Chain", "prairiecold.example", "Logistics", 340, "CA"),
    ("Thames Parcel Co", "thamesparcel.example", "Logistics", 950, "GB"),
    ("Kessler Maschinenbau", "kessler-mb.example", "Manufacturing", 3100, "DE"),
    ("Atelier Lumière", "atelier-lumiere.example", "Retail", 420, "FR"),
    ("Liffey Analytics", "liffey.example", "Software", 210, "IE"),
    ("Dijkstra Agri", "dijkstra-agri.example", "Agriculture", 760, "NL"),
    ("Nordljus Energi", "nordljus.example", "Energy", 1900, "SE"),
    ("Costa Verde Hoteles", "costaverde.example", "Hospitality", 1300, "ES"),
]  # fmt: skip
CAMPAIGNS = [
    "Q4 webinar: Logistics automation", "Pricing page retargeting", "Trade show: SupplyChainX",
    "Ebook: The 2026 operations playbook", "Partner referral", "Free trial sign-up",
]  # fmt: skip
SOURCES = ["hubspot", "salesforce", "marketo"]
NOTES = [
    "Asked about SSO and audit logs.", "Evaluating two competitors; decision this quarter.",
    "Budget approved for Q1.", "Wants a call with their IT team present.",
    "Currently on spreadsheets; 3 sites to roll out.", "Came via a customer referral.",
    "Asked for EU data residency.", "",
]  # fmt: skip
PAGES = ["/pricing", "/product/routing", "/customers", "/blog/warehouse-kpis", "/integrations"]
CONTENT = ["Ebook: The 2026 operations playbook", "Case study: Acme cuts delays 30%"]


class LeadGenerator:
    """An endless, reproducible stream of intake bodies (`POST /api/leads`)."""

    def __init__(
        self, seed: int = 0, *, prefix: str = "demo-", now: Callable[[], datetime] = utcnow
    ) -> None:
        self.random = random.Random(seed)
        self.prefix = prefix
        self.now = now
        self.count = 0
        # Each run's CRM records apart from an earlier run's: six digits from the prefix.
        self.run = 100_000 + int(hashlib.sha256(prefix.encode()).hexdigest()[:8], 16) % 900_000

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            yield self.next_lead()

    def take(self, n: int) -> list[dict[str, Any]]:
        return [self.next_lead() for _ in range(n)]

    def next_lead(self) -> dict[str, Any]:
        self.count += 1
        r, n = self.random, self.count
        first, last = r.choice(FIRST_NAMES), r.choice(LAST_NAMES)
        company, domain, industry, employees, country = r.choice(COMPANIES)
        nurture = n % 5 == 4
        demo_request = not nurture and r.random() < 0.5
        if nurture:
            score = r.randint(20, 55)
        elif demo_request and r.random() < 0.4:
            score = r.randint(35, 59)  # below min_score, qualified by the demo request
        else:
            score = r.randint(60, 97)
        source = r.choice(SOURCES)
        external_id = self._record_id(source, n)
        local = f"{first}.{last}".lower().replace("'", "")
        return {
            "external_id": external_id,
            "source": source,
            "email": f"{_ascii(local)}@{domain}",
            "first_name": first,
            "last_name": last,
            "title": r.choice(TITLES),
            "company": company,
            "company_domain": domain,
            "country": country,
            "industry": industry,
            "employees": employees,
            "score": score,
            "campaign": r.choice(CAMPAIGNS),
            "activities": self._activities(nurture, demo_request),
            "notes": r.choice(NOTES),
            "crm_url": f"https://crm.example/leads/{external_id}",
        }

    def _record_id(self, source: str, n: int) -> str:
        """The id the lead has where it came from, shaped as that system's are: HubSpot's
        digits, a Salesforce Lead's 15 characters (00Q…); the CRM write-back names it."""
        if source == "hubspot":
            return f"{self.run}{n:05d}"
        if source == "salesforce":
            return f"00Q{self.run:06d}{n:06d}"
        return f"{self.prefix}{n:05d}"

    def _activities(self, nurture: bool, demo_request: bool) -> list[dict[str, Any]]:
        r, now = self.random, self.now()
        items: list[tuple[int, dict[str, Any]]] = []  # (minutes ago, activity)

        def add(minutes: int, **activity: Any) -> None:
            items.append((minutes, activity))

        if nurture:
            add(r.randint(600, 4000), type="content_download", detail=r.choice(CONTENT))
            add(r.randint(60, 500), type="page_view", detail=r.choice(PAGES[1:]))
        else:
            add(r.randint(1500, 6000), type="webinar_attended", detail=CAMPAIGNS[0])
            add(r.randint(30, 1400), type="page_view", detail="/pricing")
            duration = r.choice([420, 960, 1320, 1800])
            add(r.randint(20, 600), type="session", detail="site visit", duration_s=duration)
            if demo_request:
                add(r.randint(2, 60), type="demo_request", detail="Contact sales form")
        items.sort(key=lambda item: -item[0])
        return [
            {**activity, "at": _iso(now - timedelta(minutes=minutes))}
            for minutes, activity in items
        ]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ascii(text: str) -> str:
    table = str.maketrans("áéíóúñçäöüå", "aeiounc" + "aoua")
    return text.translate(table)
