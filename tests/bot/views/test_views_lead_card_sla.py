"""The lead card's SLA parts: tier, first-touch buttons and lines, reassignment lines."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from bot import ids
from bot.views import build_lead_card
from storage.models import ACCEPTED, EXPIRED, HANDED_BACK, PENDING, REASSIGNED, REJECTED

NOW = datetime(2026, 11, 24, 19, 30)  # naive UTC: 14:30 EST
LATER = datetime(2026, 11, 26, 19, 30)
DECIDED_AT = datetime(2026, 11, 25, 16, 5)  # 11:05 EST
TOUCH_IDS = {ids.TOUCH_CONTACTED, ids.TOUCH_MEETING, ids.TOUCH_DISQUALIFIED}
TOUCH_ROWS = [
    ("Contacted", ids.TOUCH_CONTACTED, "42"),
    ("Meeting booked", ids.TOUCH_MEETING, "42"),
    ("Disqualified after contact", ids.TOUCH_DISQUALIFIED, "42"),
]
EVIL = ["<!channel>", "<https://evil.example|click>", "Q&A <!here> &lt;", "<@U0EVIL01>"]


def accepted(kit: Any, **kw: Any) -> Any:
    return kit.handoff(status=ACCEPTED, decided_by="U0AE00001", decided_at=DECIDED_AT, **kw)


def touch_rows(card: dict[str, Any], buttons: Any) -> list[tuple[str, str, str | None]]:
    return [row for row in buttons(card) if row[1] in TOUCH_IDS]


# --- tier -----------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_pending_card_shows_tier_with_the_deadline(kit: Any, visible: Any, audience: str) -> None:
    card = build_lead_card(kit.ctx(handoff=kit.handoff(tier="hot")), audience=audience)
    assert "🔥 Tier: hot · respond by *Tue 24 Nov 2026, 14:30 EST*" in visible(card)


def test_decided_card_keeps_the_tier_and_no_tier_shows_none(kit: Any, visible: Any) -> None:
    card = build_lead_card(kit.ctx(handoff=accepted(kit, tier="warm")), audience="owner")
    assert "\n🔥 Tier: warm" in visible(card)
    for handoff in (kit.handoff(), kit.handoff(tier="  ")):
        assert "Tier" not in visible(build_lead_card(kit.ctx(handoff=handoff), audience="owner"))


# --- first-touch buttons --------------------------------------------------------------------


def test_accepted_owner_card_offers_the_touch_buttons(
    kit: Any, buttons: Any, check_limits: Any
) -> None:
    card = build_lead_card(kit.ctx(handoff=accepted(kit)), audience="owner")
    assert check_limits(card) == []
    assert buttons(card) == [*TOUCH_ROWS, ("Open in CRM", ids.CRM_LINK, None)]
    styles = [
        el.get("style") for b in card["blocks"] if b["type"] == "actions" for el in b["elements"]
    ]
    assert styles[:3] == ["primary", None, None]


def test_channel_card_never_has_touch_buttons(kit: Any, buttons: Any) -> None:
    card = build_lead_card(kit.ctx(handoff=accepted(kit)), audience="channel")
    assert buttons(card) == [("Open in CRM", ids.CRM_LINK, None)]


@pytest.mark.parametrize("status", [PENDING, REJECTED, HANDED_BACK, REASSIGNED, EXPIRED])
def test_no_touch_buttons_unless_accepted(kit: Any, buttons: Any, status: str) -> None:
    card = build_lead_card(kit.ctx(handoff=kit.handoff(status=status)), audience="owner")
    assert touch_rows(card, buttons) == []


@pytest.mark.parametrize(
    "touch",
    [
        {"first_touch": "contacted", "first_touch_at": NOW},
        {"first_touch": "meeting_booked"},
        {"first_touch_at": NOW},  # a touch time alone still counts
    ],
)
def test_no_touch_buttons_once_touched(kit: Any, buttons: Any, touch: dict[str, Any]) -> None:
    card = build_lead_card(kit.ctx(handoff=accepted(kit, **touch)), audience="owner")
    assert touch_rows(card, buttons) == []
    assert buttons(card) == [("Open in CRM", ids.CRM_LINK, None)]


def test_no_touch_buttons_without_a_handoff_id(kit: Any, buttons: Any) -> None:
    card = build_lead_card(kit.ctx(handoff=accepted(kit, id=None)), audience="owner")
    assert touch_rows(card, buttons) == []


# --- first-touch lines ----------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_follow_up_deadline_until_the_first_touch(kit: Any, visible: Any, audience: str) -> None:
    due = "⏱️ First touch due by *Thu 26 Nov 2026, 14:30 EST*"
    ctx = kit.ctx(handoff=accepted(kit), follow_up_due=LATER)
    assert due in visible(build_lead_card(ctx, audience=audience))
    no_due = kit.ctx(handoff=accepted(kit))
    assert "First touch due" not in visible(build_lead_card(no_due, audience=audience))
    touched = kit.ctx(handoff=accepted(kit, first_touch="contacted"), follow_up_due=LATER)
    assert "First touch due" not in visible(build_lead_card(touched, audience=audience))
    pending = kit.ctx(handoff=kit.handoff(), follow_up_due=LATER)
    assert "First touch due" not in visible(build_lead_card(pending, audience=audience))


@pytest.mark.parametrize("audience", ["owner", "channel"])
@pytest.mark.parametrize(
    ("touch", "by", "expected"),
    [
        ("contacted", None, "📞 Contacted by Ana Alvarez on Thu 26 Nov 2026, 14:30 EST"),
        ("meeting_booked", "Max Manager", "📅 Meeting booked by Max Manager on Thu 26 Nov 2026"),
        ("<b>odd</b>", None, "📌 First touch: &lt;b&gt;odd&lt;/b&gt; by Ana Alvarez"),
    ],
)
def test_first_touch_line(
    kit: Any, visible: Any, audience: str, touch: str, by: str | None, expected: str
) -> None:
    handoff = accepted(kit, first_touch=touch, first_touch_at=LATER)
    ctx = kit.ctx(handoff=handoff, touched_by_name=by)
    card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
    assert expected in visible(card)
    assert "✅ Accepted" in visible(card)


@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_disqualified_after_contact_line(kit: Any, visible: Any, audience: str) -> None:
    handoff = accepted(
        kit,
        first_touch="disqualified",
        first_touch_at=LATER,
        touch_reason_code="D-BUDGET",
        touch_reason_label="No budget & <no> plan",
        touch_note="They chose <!here> a competitor",
    )
    text = visible(build_lead_card(kit.ctx(handoff=handoff), audience=audience))
    assert (
        "🚫 Disqualified after contact: No budget &amp; &lt;no&gt; plan"
        " — They chose &lt;!here&gt; a competitor\n"
        "_Logged by Ana Alvarez on Thu 26 Nov 2026, 14:30 EST_"
    ) in text
    code_only = accepted(kit, first_touch="disqualified", touch_reason_code="D-BUDGET")
    text = visible(build_lead_card(kit.ctx(handoff=code_only), audience=audience))
    assert "🚫 Disqualified after contact: D-BUDGET\n_Logged by Ana Alvarez_" in text


# --- reassignment ---------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["owner", "channel"])
@pytest.mark.parametrize(
    ("reason", "to", "expected"),
    [
        (
            "after 24h without a decision",
            "Ben Brooks",
            "*🔁 Reassigned* to Ben Brooks after 24h without a decision",
        ),
        ("Owner marked away", "Ben", "*🔁 Reassigned* to Ben · Owner marked away"),
        ("after <!channel> 2h", None, "*🔁 Reassigned* after &lt;!channel&gt; 2h"),
        (None, "Ben", "*🔁 Reassigned* to Ben · no decision by Tue 24 Nov 2026, 14:30 EST"),
    ],
)
def test_reassigned_card(
    kit: Any, visible: Any, buttons: Any, audience: str, reason: Any, to: Any, expected: str
) -> None:
    handoff = kit.handoff(status=REASSIGNED, reassign_reason=reason)
    card = build_lead_card(kit.ctx(handoff=handoff, reassigned_to_name=to), audience=audience)
    assert expected in visible(card)
    assert buttons(card) == [("Open in CRM", ids.CRM_LINK, None)]


@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_reassigned_from_is_a_context_line_under_the_header(
    kit: Any, visible: Any, audience: str
) -> None:
    ctx = kit.ctx(
        reassigned_from_name="Ana <Alvarez>", reassigned_from_reason="24h without a decision"
    )
    card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
    assert card["blocks"][1] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": "🔁 Reassigned from Ana &lt;Alvarez&gt;: 24h without a decision",
            }
        ],
    }
    plain = build_lead_card(kit.ctx(), audience=audience)  # type: ignore[arg-type]
    assert "Reassigned from" not in visible(plain)
    assert plain["blocks"][1]["type"] == "section"


# --- hostile and huge input -----------------------------------------------------------------


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("status", [PENDING, ACCEPTED, REASSIGNED])
@pytest.mark.parametrize("touch", [None, "disqualified", "contacted"])
@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_sla_fields_are_escaped(
    kit: Any, check_limits: Any, evil: str, status: str, touch: str | None, audience: str
) -> None:
    handoff = kit.handoff(
        status=status,
        tier=evil,
        first_touch=touch,
        first_touch_at=LATER if touch else None,
        touch_reason_label=evil,
        touch_note=evil,
        reassign_reason=f"after {evil}",
    )
    ctx = kit.ctx(
        handoff=handoff,
        owner_name=evil,
        touched_by_name=evil,
        reassigned_to_name=evil,
        reassigned_from_name=evil,
        reassigned_from_reason=evil,
        follow_up_due=LATER,
    )
    card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
    assert check_limits(card) == []
    dumped = json.dumps(card, ensure_ascii=False)
    for raw in ("<!channel>", "<!here>", "<https://evil", "<@U0EVIL01>"):
        assert raw not in dumped
    assert "&lt;" in dumped


def test_huge_sla_fields_are_trimmed(kit: Any, check_limits: Any, visible: Any) -> None:
    long = "Ab&<" * 2000
    for touch in (None, "disqualified", long):
        handoff = kit.handoff(
            status=ACCEPTED,
            tier=long,
            first_touch=touch,
            touch_reason_label=long,
            touch_note=long,
            reassign_reason=long,
            decided_at=NOW,
        )
        ctx = kit.ctx(
            handoff=handoff,
            owner_name=long,
            touched_by_name=long,
            reassigned_to_name=long,
            reassigned_from_name=long,
            reassigned_from_reason=long,
            follow_up_due=LATER,
        )
        for audience in ("owner", "channel"):
            card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
            assert check_limits(card) == []
            tier = re.search(r"🔥 Tier: .*", visible(card))
            assert tier is not None and tier[0].endswith("…") and len(tier[0]) <= 70
