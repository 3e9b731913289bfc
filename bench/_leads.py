"""The lead body the delivery benches send (a qualified lead from the US)."""

from __future__ import annotations

from typing import Any


def lead(n: int) -> dict[str, Any]:
    return {
        "external_id": f"bench-{n}",
        "email": f"lead{n}@acme.example",
        "source": "bench",
        "first_name": "Jordan",
        "last_name": f"Lee {n}",
        "company": "Acme",
        "country": "US",
        "score": 80,
    }
