"""How a lead is named to people, the same on every surface: cards, messages, Home,
reports and the export."""

from __future__ import annotations

from storage.models import Lead


def lead_label(lead: Lead, *, company: bool = True) -> str:
    """First and last name with the company, "Jordan Lee (Acme)"; the name alone without a
    company (or with `company=False`); the email address without a name; raw, on one line
    (not escaped: views escape)."""
    name = _one_line(f"{lead.first_name or ''} {lead.last_name or ''}")
    where = _one_line(lead.company) if company else ""
    if name and where:
        return f"{name} ({where})"
    return name or _one_line(lead.email) or f"Lead #{lead.id}"


def _one_line(text: object) -> str:
    return " ".join(("" if text is None else str(text)).split())
