"""The compact channel card and its Details modal: content, no decision buttons, and
Block Kit limits (also with hostile text and the biggest card)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import ids
from bot.services.meeting_cards import MeetingItem
from bot.views.compact_card import build_card, build_compact_card, build_details_modal
from bot.views.lead_card import build_lead_card
from storage.models import ACCEPTED, PENDING, REJECTED
from tests.bot.views.conftest import as_read

AT = datetime(2026, 11, 24, 19, 30, tzinfo=UTC)
EVIL = "<!channel> & <@U0EVIL01> <https://evil.example|x>"
DECISIONS = {ids.ACCEPT, ids.REJECT, ids.HAND_BACK, ids.TOUCH_CONTACTED, ids.TOUCH_MEETING}


def meeting(status: str = "pending", **kw: Any) -> MeetingItem:
    fields: dict[str, Any] = {
        "id": 5,
        "ae_name": "Ben Brooks",
        "status": status,
        "meeting_at": AT + timedelta(days=2),
        "booked_at": AT,
        "due_at": AT + timedelta(days=3),
    }
    return MeetingItem(**{**fields, **kw})


def action_ids(payload: dict[str, Any]) -> list[str]:
    return [
        el["action_id"] for b in payload["blocks"] if b["type"] == "actions" for el in b["elements"]
    ]


def test_compact_card_is_one_line_with_details_and_the_crm_link(kit, check_limits, visible):
    ctx = kit.ctx(handoff=kit.handoff(status=PENDING, tier="hot"))
    card = build_compact_card(ctx)
    assert check_limits(card) == []
    assert [b["type"] for b in card["blocks"]] == ["section", "actions"]
    assert action_ids(card) == [ids.CARD_DETAILS, ids.CRM_LINK]
    assert card["blocks"][1]["elements"][0]["value"] == "42"
    line = as_read(card["blocks"][0]["text"]["text"])
    for shown in ("⏳ Pending", "Dana Scully", "VP Operations at Acme", "Owner: Ana Alvarez",
                  "US", "score 72", "webinar-nov", "Tier: hot", "respond by"):  # fmt: skip
        assert shown in line, shown
    assert "\n" not in line  # one line (Slack wraps it on narrow screens)
    assert "Viewed pricing" not in visible(card) and "Asked about SSO" not in visible(card)
    assert card["text"] == build_lead_card(ctx, audience="channel")["text"]


def test_compact_card_shows_the_meeting_stage_in_its_line(kit):
    ctx = kit.ctx(handoff=kit.handoff(status=ACCEPTED, decided_at=AT), meetings=(meeting(),))
    line = build_compact_card(ctx)["blocks"][0]["text"]["text"]
    assert "✅ Accepted" in line and "📅 Meeting with Ben Brooks · awaiting decision" in line
    sent_back = kit.ctx(
        handoff=kit.handoff(status=ACCEPTED), meetings=(meeting("sent_back", decided_at=AT),)
    )
    assert (
        "Meeting with Ben Brooks · sent back"
        in build_compact_card(sent_back)["blocks"][0]["text"]["text"]
    )


def test_compact_card_without_crm_link_or_reassigned_from(kit):
    ctx = kit.ctx(
        lead=kit.lead(crm_url=None, score=None, campaign=None),
        handoff=kit.handoff(status=REJECTED, decided_at=AT),
        reassigned_from_name="Cara Chen",
    )
    card = build_compact_card(ctx)
    assert action_ids(card) == [ids.CARD_DETAILS, ids.DISPUTE]  # a reject may be disputed
    line = card["blocks"][0]["text"]["text"]
    assert "🔁 from Cara Chen" in line and "score" not in line and "respond by" not in line


@pytest.mark.parametrize("status", [PENDING, ACCEPTED, REJECTED])
def test_hostile_text_stays_escaped_and_within_limits(kit, check_limits, status):
    lead = kit.lead(
        first_name=EVIL * 20, last_name=EVIL, title=EVIL * 50, company=EVIL * 50,
        country=EVIL, campaign=EVIL * 50, crm_url="javascript:alert(1)",
    )  # fmt: skip
    ctx = kit.ctx(
        lead=lead,
        handoff=kit.handoff(status=status, tier=EVIL * 10, decided_at=AT),
        owner_name=EVIL * 20,
        reassigned_from_name=EVIL * 20,
        meetings=(meeting(ae_name=EVIL * 20),),
    )
    card = build_compact_card(ctx)
    assert check_limits(card) == []
    raw = json.dumps(card, ensure_ascii=False)
    assert "<!channel>" not in raw and "<@U0EVIL01>" not in raw and "<https://evil" not in raw
    disputable = [ids.DISPUTE] if status == REJECTED else []
    assert action_ids(card) == [ids.CARD_DETAILS, *disputable]  # a bad CRM link is left out
    assert check_limits(build_details_modal(ctx), surface="view") == []


def test_details_modal_is_the_full_channel_card_view_only(kit, check_limits):
    activities = [{"type": "page_view", "detail": f"page {i}", "at": "2026-11-20T10:00:00Z"}
                  for i in range(200)]  # fmt: skip
    ctx = kit.ctx(
        lead=kit.lead(activities=activities, notes="n" * 5000),
        handoff=kit.handoff(status=PENDING),
        meetings=tuple(meeting("sent_back", id=i, decided_at=AT) for i in range(8)),
    )
    modal = build_details_modal(ctx)
    assert check_limits(modal, surface="view") == []
    assert modal["type"] == "modal" and "submit" not in modal
    assert modal["blocks"] == build_lead_card(ctx, audience="channel")["blocks"]
    assert not DECISIONS & set(action_ids(modal))


def test_the_form_applies_to_the_channel_only(kit):
    ctx = kit.ctx(handoff=kit.handoff(status=PENDING))
    owner = build_card(ctx, audience="owner", form="compact")
    assert owner == build_lead_card(ctx, audience="owner")
    assert {ids.ACCEPT, ids.REJECT} <= set(action_ids(owner))
    full = build_card(ctx, audience="channel", form="full")
    assert full == build_lead_card(ctx, audience="channel")
    compact = build_card(ctx, audience="channel", form="compact")
    assert len(compact["blocks"]) == 2 < len(full["blocks"])
    assert not DECISIONS & set(action_ids(compact))


def test_a_disputable_card_carries_dispute_on_its_row_and_never_in_details(kit):
    ctx = kit.ctx(handoff=kit.handoff(status=REJECTED, decided_at=AT, reason_code="R-ICP"))
    row = next(b for b in build_compact_card(ctx)["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in row["elements"]][:2] == [ids.CARD_DETAILS, ids.DISPUTE]
    details = build_details_modal(ctx)["blocks"]
    assert ids.DISPUTE not in str(details)
    assert all(b["elements"] for b in details if b["type"] == "actions")
