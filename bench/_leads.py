"""The lead body the delivery benches send (a qualified lead from the US). Each lead is a
company of its own: leads of one company (its domain, else its email's) go to the rep who
holds the account, so one shared domain would hand the whole burst to one owner."""

from __future__ import annotations

from typing import Any


def lead(n: int) -> dict[str, Any]:
    return {
        "external_id": f"bench-{n}",
        "email": f"lead{n}@company{n}.example",
        "source": "bench",
        "first_name": "Jordan",
        "last_name": f"Lee {n}",
        "company": f"Company {n}",
        "company_domain": f"company{n}.example",
        "country": "US",
        "score": 80,
    }
