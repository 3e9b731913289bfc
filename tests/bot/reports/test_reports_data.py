"""A hand-built hand-off history, made through the real services with the clock moving,
whose every report number is worked out by hand below (times after START, in minutes).

    L0  10 days earlier, Webinar, pricing+session  → Ana, accepted after 10
    L1  Webinar, pricing+session                    → Ana, accepted at 30, contacted at 75
    L2  Webinar, pricing+session, <b>x</b> note     → Ben, rejected R-DATA at 60
    L3  Ebook, score 75, no signal                  → Cara, handed back N-TIMING at 90
    L4  Ebook, score 30                             → nurture
    L5  Webinar, DE, score 20, demo request         → Eve, accepted at 120, contacted at 360
    L6  no campaign, score 80, no signal            → Ana, still pending (due at 240)
    L7  Ebook, pricing+session                      → Ben, rejected R-OWNER (routing error)
                                                      at 300, re-routed at 300 to H8
        H8  the re-route                             → still pending (due at 540)
    L9  Ebook, score 70, no signal                  → Cara, rejected R-ICP at 100

The reports are read at START + 600 (10 hours).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.runtime import Runtime
from bot.services import decisions, sla_actions
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from tests import factories as f

DEMO = [{"type": "demo_request", "detail": "form", "at": "2026-11-22T10:00:00Z"}]
EMAILS = {f"L{i}": f"lead{i}@acme.example" for i in range(10)}


@dataclass
class DataSet:
    runtime: Runtime
    leads: dict[str, int] = field(default_factory=dict)  # L1 → lead id
    handoffs: dict[str, int] = field(default_factory=dict)  # H1 → hand-off id
    owners: dict[str, str] = field(default_factory=dict)  # H1 → owner

    @property
    def now(self):
        return self.runtime.clock()


def _ingest(data: DataSet, name: str, owner: str | None, **overrides: Any) -> None:
    body = f.lead_body(email=EMAILS[name], **overrides)
    if body.get("campaign") is None:
        body.pop("campaign")
    if owner:
        body["owner_email"] = f.PEOPLE[[p["slack_id"] for p in f.PEOPLE].index(owner)]["email"]
    lead_input, errors = validate_lead(body)
    assert not errors, errors
    rt = data.runtime
    result = ingest(lead_input, runtime=rt)
    data.leads[name] = result.body["id"]
    if owner:
        assert result.body["owner"] == owner, result.body
        _remember(data, "H" + name[1:], result.body["id"])


def _remember(data: DataSet, key: str, lead_id: int) -> None:
    with unit_of_work(data.runtime.engine) as session:
        latest = handoffs_for_lead(lead_id, session=session)[-1]
    data.handoffs[key], data.owners[key] = latest.id or 0, latest.owner_id


def _at(data: DataSet, start, minutes: float) -> None:
    data.runtime.clock.now = start + timedelta(minutes=minutes)  # type: ignore[attr-defined]


def _decide(data: DataSet, key: str, action: str, **kw: Any) -> None:
    rt = data.runtime
    outcome = decisions.decide(
        data.handoffs[key],
        data.owners[key],
        action,
        runtime=rt,
        **kw,
    )
    assert outcome.result == decisions.RECORDED, outcome


def _touch(data: DataSet, key: str) -> None:
    rt = data.runtime
    outcome = sla_actions.record_touch(
        data.handoffs[key],
        data.owners[key],
        "contacted",
        runtime=rt,
    )
    assert outcome.result == decisions.RECORDED, outcome


def build(runtime: Runtime) -> DataSet:
    data = DataSet(runtime)
    start = f.START
    _at(data, start, -10 * 24 * 60)
    _ingest(data, "L0", f.ANA, campaign="Webinar")
    _at(data, start, -10 * 24 * 60 + 10)
    _decide(data, "H0", decisions.ACCEPT)

    _at(data, start, 0)
    _ingest(data, "L1", f.ANA, campaign="Webinar", first_name="Lena", last_name="One")
    _ingest(data, "L2", f.BEN, campaign="Webinar", first_name="Bo", last_name="Two")
    _ingest(data, "L3", f.CARA, campaign="Ebook", activities=[], first_name="Cy", last_name="Three")
    _ingest(data, "L4", None, campaign="Ebook", activities=[], score=30)
    _ingest(data, "L5", f.EVE, campaign="Webinar", country="DE", score=20, activities=DEMO)
    _ingest(data, "L6", f.ANA, campaign=None, activities=[], score=80, first_name="Six")
    _ingest(data, "L7", f.BEN, campaign="Ebook", first_name="Sev", last_name="En")
    _ingest(data, "L9", f.CARA, campaign="Ebook", activities=[], score=70, first_name="Nia")

    _at(data, start, 30)
    _decide(data, "H1", decisions.ACCEPT)
    _at(data, start, 60)
    _decide(data, "H2", decisions.REJECT, reason_code="R-DATA", note="<b>fake</b> & co")
    _at(data, start, 75)
    _touch(data, "H1")
    _at(data, start, 90)
    _decide(data, "H3", decisions.HANDBACK, reason_code="N-TIMING")
    _at(data, start, 100)
    _decide(data, "H9", decisions.REJECT, reason_code="R-ICP")
    _at(data, start, 120)
    _decide(data, "H5", decisions.ACCEPT)
    _at(data, start, 300)
    _decide(data, "H7", decisions.REJECT, reason_code="R-OWNER")
    _remember(data, "H8", data.leads["L7"])
    _at(data, start, 360)
    _touch(data, "H5")
    _at(data, start, 600)
    return data
