"""The reports against each other, on one data set: a figure has one definition (rejected,
time to decision, this week), so summary, by-rep, campaigns, digest and Home must agree.

The data set is test_reports_data's (with a wrong-owner reject, H7), plus H10: Sam accepts
a lead 49 seconds after it arrives. Read at START + 600 (Tue 24 Nov 00:00 UTC); the admin
works in Los Angeles, so their local week would start on Sunday."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from bot.digest.data import build_digest
from bot.digest.view import build_digest_message
from bot.intake.service import ingest
from bot.intake.validate import validate_lead
from bot.reports.campaigns import campaigns
from bot.reports.periods import period_for
from bot.reports.scope import scope_for
from bot.reports.summary import summary
from bot.services import decisions
from bot.services.home import home_for
from bot.views import reports as views
from bot.views.home import build_home
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from storage.models import Person
from tests import factories as f
from tests.bot.reports.test_reports_data import build

SAM_EMAIL = next(p["email"] for p in f.PEOPLE if p["slack_id"] == f.SAM)


def texts(payload: Any) -> str:
    """Every text string of a message or view, one per line."""
    if isinstance(payload, dict):
        return "\n".join(
            v if k == "text" and isinstance(v, str) else texts(v) for k, v in payload.items()
        )
    if isinstance(payload, list):
        return "\n".join(texts(item) for item in payload)
    return ""


def table_rows(text: str, title: str, name_width: int) -> list[dict[str, str]]:
    """The monospace table after `title`, as dicts by header (the name column is fixed)."""
    block = text.split(title, 1)[1].split("```")[1].strip("\n").split("\n")
    headers = block[0][name_width:].split()
    return [
        {
            "name": line[:name_width].strip(),
            **dict(zip(headers, line[name_width:].split(maxsplit=len(headers) - 1), strict=True)),
        }
        for line in block[1:]
        if not line.startswith("…")
    ]


def field(text: str, title: str) -> int:
    return int(re.search(rf"\*{re.escape(title)}\*\n(\d+)", text).group(1))


@pytest.fixture
def world(runtime):
    data = build(runtime)
    now = runtime.clock()
    runtime.clock.now = now - timedelta(minutes=5)  # H10 arrives, Sam decides in 49 s
    body = f.lead_body(email="ten@acme.example", owner_email=SAM_EMAIL, campaign="Webinar")
    lead, errors = validate_lead(body)
    assert not errors
    result = ingest(lead, runtime=runtime)
    assert result.body["owner"] == f.SAM
    with unit_of_work(runtime.engine) as session:
        h10 = handoffs_for_lead(result.body["id"], session=session)[-1].id
        session.get(Person, f.ADA).tz = "America/Los_Angeles"
    runtime.clock.now = runtime.clock() + timedelta(seconds=49)
    outcome = decisions.decide(
        h10, f.SAM, decisions.ACCEPT, runtime=runtime,
    )  # fmt: skip
    assert outcome.result == decisions.RECORDED
    runtime.clock.now = now
    return data


def test_the_reports_agree_with_each_other(runtime, world):
    rt, now = runtime, runtime.clock()
    period = period_for("7d", now=now, tz=rt.config.timezone)
    with unit_of_work(rt.engine) as session:
        admin = scope_for(rt.config, f.ADA)
        s = summary(session=session, config=rt.config, scope=admin, now=now, period=period)
        c = campaigns(session=session, config=rt.config, scope=admin, now=now, period=period)
        d = build_digest(session=session, config=rt.config, period=period)
    summary_text = texts(views.build_summary(s, tz="UTC"))
    campaigns_text = texts(views.build_campaigns(c, tz="UTC"))
    digest_text = texts(build_digest_message(d, tz="UTC", file_id="F0CHART01"))
    admin_home = texts(build_home(home_for(f.ADA, runtime=rt)))
    manager_home = texts(build_home(home_for(f.MAYA, runtime=rt)))

    # One "rejected": on quality; the wrong-owner reject (H7) apart, everywhere.
    rejected, wrong = s.counts.rejected, s.counts.routing_errors
    assert (rejected, wrong) == (2, 1)
    assert field(summary_text, "Rejected") == rejected
    assert field(summary_text, "Wrong owner (re-routed)") == wrong
    reps = table_rows(summary_text, "*By rep*", 18)
    assert sum(int(r["Rej"]) for r in reps) == rejected
    assert sum(int(r["Wrong"]) for r in reps) == wrong
    assert sum(r.count for r in s.reject_reasons) == rejected
    assert sum(r.count for r in s.wrong_owner_reasons) == wrong
    rows = table_rows(campaigns_text, "Campaigns:", 20)
    assert sum(int(r["Rej"]) for r in rows) == rejected
    for row in c.rows:  # each campaign's listed reasons add up to its Rej
        assert sum(r.count for r in row.reject_reasons) == row.counts.rejected
    assert d.counts == s.counts and d.reject_reasons == s.reject_reasons
    digest_rows = table_rows(digest_text, "*Acceptance by campaign*", 22)
    assert sum(int(r["Rej"]) for r in digest_rows) == rejected
    assert f"❌ {rejected} rejected" in admin_home and f"🔁 {wrong} wrong owner" in admin_home
    assert f"✅ {s.counts.accepted} accepted" in admin_home
    assert f"↩️ {s.counts.handed_back} handed back" in admin_home

    # One time to decision, one formatter: 49 seconds is "<1m" in the summary and on Home.
    [sam] = [r for r in reps if r["name"] == "Sam Diaz"]
    assert sam["Median"] == "&lt;1m"
    assert "Sam Diaz: &lt;1m (1 decision)" in admin_home
    assert "Sam Diaz: &lt;1m (1 decision)" in manager_home

    # One "this week": Monday in the config's zone, whatever the reader's own zone.
    assert "since Mon 23 Nov" in admin_home and "since Mon 23 Nov" in manager_home
    assert "since Sun" not in admin_home
