from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest

from bot import ids
from bot.views import HistoryItem, build_lead_card
from storage.models import ACCEPTED, EXPIRED, HANDED_BACK, PENDING, REASSIGNED, REJECTED
from tests.bot.views.conftest import as_read

NOW = datetime(2026, 11, 24, 19, 30)  # naive UTC, a Tuesday
OUR_TOKEN = re.compile(
    r"<@[UW][A-Z0-9]+>|<!date\^-?\d+\^[^|<>]*\|[^<>]*>|^> ", re.MULTILINE
)  # mentions, Slack's date tokens and quote marks are ours
DECISION_IDS = {ids.ACCEPT, ids.REJECT, ids.HAND_BACK}
EVIL = ["<!channel>", "<https://evil.example|click>", "Q&A <!here> &lt;", "<@U0EVIL01>"]


def elements(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [el for b in card["blocks"] if b["type"] == "actions" for el in b["elements"]]


def decision_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [el for el in elements(card) if el.get("action_id") in DECISION_IDS]


def all_texts(payload: Any) -> list[str]:
    """Every "text" string in a payload: text objects and the fallback."""
    if isinstance(payload, dict):
        return [
            t
            for key, value in payload.items()
            for t in ([value] if key == "text" and isinstance(value, str) else all_texts(value))
        ]
    if isinstance(payload, list):
        return [t for item in payload for t in all_texts(item)]
    return []


def raw_text(card: dict[str, Any]) -> str:
    return "\n".join(all_texts(card))


def visible(card: dict[str, Any]) -> str:
    """As read: Slack's date tokens shown as their fallback text."""
    return as_read(raw_text(card))


def hostile_ctx(kit: Any, evil: str, **handoff_kw: Any) -> Any:
    lead = kit.lead(
        first_name=evil,
        last_name=evil,
        title=evil,
        company=evil,
        email=f"{evil}@x.example",
        country=evil,
        industry=evil,
        source=evil,
        campaign=evil,
        notes=f"{evil}\n{evil}",
        activities=[{"type": evil, "detail": evil, "at": "2026-11-20T10:00:00Z"}, evil],
        crm_url="https://crm.example/leads/11",
    )
    handoff = kit.handoff(
        signals=[evil, f"score {evil}"],
        contract_version=evil,
        rule=evil,
        reason_label=evil,
        note=evil,
        decided_by="U0AE00002",
        decided_at=NOW,
        **handoff_kw,
    )
    history = (HistoryItem(evil, HANDED_BACK, evil, evil, NOW, date(2027, 1, 5)),)
    return kit.ctx(
        lead=lead,
        handoff=handoff,
        owner_name=evil,
        decided_by_name=evil,
        reassigned_to_name=evil,
        history=history,
    )


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("status", [PENDING, ACCEPTED, REJECTED, HANDED_BACK, REASSIGNED, EXPIRED])
@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_outside_text_is_escaped_everywhere(
    kit: Any, evil: str, status: str, audience: str
) -> None:
    ctx = hostile_ctx(kit, evil, status=status, routing_error=status == REJECTED)
    card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
    dumped = json.dumps(card, ensure_ascii=False)
    assert "<!channel>" not in dumped
    assert "<!here>" not in dumped
    assert "<https://evil" not in dumped
    assert "<@U0EVIL01>" not in dumped
    for text in all_texts(card):
        # The only "<" left is our own owner mention; every "&" starts an entity.
        assert "<" not in OUR_TOKEN.sub("", text), text
        assert ">" not in OUR_TOKEN.sub("", text), text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    assert "&lt;" in dumped  # the text is still there, inert


def test_channel_card_names_the_owner_without_pinging_them(kit: Any) -> None:
    ctx = kit.ctx(handoff=kit.handoff(owner_id="<!channel>"), owner_name="Ana <b>")
    text = visible(build_lead_card(ctx, audience="channel"))
    assert "<!channel>" not in text
    assert "Ana &lt;b&gt;" in text
    good = visible(build_lead_card(kit.ctx(), audience="channel"))
    assert "<@U0AE00001>" not in good  # the owner already has the DM: no second notification


def test_huge_inputs_give_a_valid_card(kit: Any, check_limits: Any) -> None:
    long = "Ab&<" * 100  # 400 characters, and escaping makes it longer
    activities = [
        {
            "type": f"t{i}",
            "detail": long,
            "at": f"2026-11-{1 + i % 28:02d}T10:00:00",
            "duration_s": i,
        }
        for i in range(200)
    ]
    lead = kit.lead(
        first_name=long,
        last_name=long,
        title=long,
        company=long,
        email=long,
        country=long,
        industry=long,
        source=long,
        campaign=long,
        notes="N&<" * 1700,
        activities=activities,
        employees=10**9,
        score=10**6,
    )
    history = tuple(
        HistoryItem(long, HANDED_BACK, long, "x" * 5000, datetime(2026, 1, 1 + i), date(2027, 1, 1))
        for i in range(30)
    )
    for status in (PENDING, REJECTED, HANDED_BACK, REASSIGNED):
        handoff = kit.handoff(
            status=status,
            signals=[long] * 100,
            contract_version=long,
            rule=long,
            reason_label=long,
            note="n" * 5000,
            decided_at=NOW,
            routing_error=True,
        )
        ctx = kit.ctx(
            lead=lead,
            handoff=handoff,
            owner_name=long,
            decided_by_name=long,
            reassigned_to_name=long,
            history=history,
        )
        for audience in ("owner", "channel"):
            card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
            assert check_limits(card) == []
            assert len(card["blocks"]) <= 50
            assert len(card["text"]) <= 150
            text = visible(card)
            assert "and 195 more" in text
            assert "…" in text  # the note was trimmed, not rejected


def test_owner_card_has_exactly_the_three_decision_buttons(kit: Any, check_limits: Any) -> None:
    card = build_lead_card(kit.ctx(), audience="owner")
    assert check_limits(card) == []
    buttons = decision_buttons(card)
    assert [(b["text"]["text"], b["action_id"], b.get("style")) for b in buttons] == [
        ("Accept", ids.ACCEPT, "primary"),
        ("Reject", ids.REJECT, "danger"),
        ("Hand back", ids.HAND_BACK, None),
    ]
    assert {b["value"] for b in buttons} == {"42"}


def test_channel_card_has_no_decision_buttons_but_owner_and_status(kit: Any) -> None:
    card = build_lead_card(kit.ctx(), audience="channel")
    assert decision_buttons(card) == []
    text = visible(card)
    assert "Ana Alvarez" in text
    assert "⏳ Pending" in text


@pytest.mark.parametrize(
    ("crm_url", "has_link"),
    [
        ("https://crm.example/leads/11", True),
        ("http://crm.example/x?y=1&z=2", True),
        ("javascript:alert(1)", False),
        ("<https://evil.example|click>", False),
        ("https://", False),
        ("https://crm.example/a b", False),
        ("https://crm.example/" + "x" * 3000, False),
        (None, False),
    ],
)
def test_crm_link_only_for_http_urls(kit: Any, crm_url: str | None, has_link: bool) -> None:
    for audience in ("owner", "channel"):
        card = build_lead_card(kit.ctx(lead=kit.lead(crm_url=crm_url)), audience=audience)
        links = [el for el in elements(card) if el.get("action_id") == ids.CRM_LINK]
        assert bool(links) is has_link
        if has_link:
            assert links[0]["url"] == crm_url


DECIDED = [
    (ACCEPTED, "✅ Accepted", []),
    (REJECTED, "❌ Rejected", ["Bad or unverifiable data", "Reason:", "Wrong &lt;data&gt;"]),
    (HANDED_BACK, "↩️ Handed back", ["Timing", "Wrong &lt;data&gt;", "Revisit on:* 2027-01-05"]),
    (REASSIGNED, "🔁 Reassigned", ["to Bo Berg"]),
    (EXPIRED, "⌛ Expired", []),
]


@pytest.mark.parametrize(("status", "marker", "extra"), DECIDED)
@pytest.mark.parametrize("audience", ["owner", "channel"])
def test_decided_card(kit: Any, status: str, marker: str, extra: list[str], audience: str) -> None:
    label = {REJECTED: "Bad or unverifiable data", HANDED_BACK: "Timing"}.get(status)
    handoff = kit.handoff(
        status=status,
        decided_by="U0MGR0001",
        decided_at=datetime(2026, 11, 25, 16, 5),
        reason_code="X",
        reason_label=label,
        note="Wrong <data>" if label else None,
        revisit_on=date(2027, 1, 5) if status == HANDED_BACK else None,
    )
    ctx = kit.ctx(handoff=handoff, decided_by_name="Max Manager", reassigned_to_name="Bo Berg")
    card = build_lead_card(ctx, audience=audience)  # type: ignore[arg-type]
    assert decision_buttons(card) == []
    text = visible(card)
    assert marker in text
    for snippet in extra:
        assert snippet in text
    if status in (ACCEPTED, REJECTED, HANDED_BACK):
        assert "by Max Manager on Wed 25 Nov 2026, 11:05 EST" in text


def test_wrong_owner_reject_says_rerouted(kit: Any) -> None:
    handoff = kit.handoff(
        status=REJECTED, routing_error=True, decided_at=NOW, reason_label="Wrong owner"
    )
    text = visible(
        build_lead_card(kit.ctx(handoff=handoff, reassigned_to_name="Bo"), audience="channel")
    )
    assert "Re-routed to Bo" in text
    text = visible(build_lead_card(kit.ctx(handoff=handoff), audience="channel"))
    assert "Re-routed to the next owner" in text


def test_deadline_in_the_owners_time_zone(kit: Any) -> None:
    handoff = kit.handoff(due_at=datetime(2026, 11, 24, 19, 30))
    la = visible(
        build_lead_card(kit.ctx(handoff=handoff, owner_tz="America/Los_Angeles"), audience="owner")
    )
    utc = visible(build_lead_card(kit.ctx(handoff=handoff, owner_tz="UTC"), audience="owner"))
    bad = visible(build_lead_card(kit.ctx(handoff=handoff, owner_tz="Not/AZone"), audience="owner"))
    assert "Tue 24 Nov 2026, 11:30 PST" in la
    assert "Tue 24 Nov 2026, 19:30 UTC" in utc
    assert "Tue 24 Nov 2026, 19:30 UTC" in bad


def test_card_content(kit: Any) -> None:
    card = build_lead_card(kit.ctx(), audience="owner")
    assert card["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Dana Scully", "emoji": True},
    }
    text = visible(card)
    for snippet in [
        "*VP Operations* at *Acme*",
        "dana@acme.example",
        "1,200 employees",
        "Logistics",
        "US",
        "hubspot",
        "webinar-nov",
        "*Score*\n72",
        "• demo_request",
        "• icp_industry",
        "Contract 2026-11",
        "Asked about SSO.",
        "respond by *Tue 24 Nov 2026, 14:30 EST*",
    ]:
        assert snippet in text, snippet
    assert card["text"] == "New lead for you: Dana Scully (Acme)"


def test_name_falls_back_to_email_and_signals_to_score(kit: Any) -> None:
    lead = kit.lead(first_name=None, last_name="  ", title=None, company=None)
    card = build_lead_card(kit.ctx(lead=lead, handoff=kit.handoff(signals=[])), audience="owner")
    assert card["blocks"][0]["text"]["text"] == "dana@acme.example"
    assert "Score met the contract (score 72)" in visible(card)
    card = build_lead_card(kit.ctx(handoff=kit.handoff(signals=None)), audience="owner")
    assert "Score met the contract" in visible(card)


def test_recent_activity_newest_first_with_more(kit: Any) -> None:
    activities = [{"type": f"visit{i}", "at": f"2026-11-{10 + i:02d}T12:00:00Z"} for i in range(8)]
    text = visible(build_lead_card(kit.ctx(lead=kit.lead(activities=activities)), audience="owner"))
    shown = re.findall(r"\*visit(\d)\*", text)
    assert shown == ["7", "6", "5", "4", "3"]
    assert "and 3 more" in text


BAD_ACTIVITIES: list[Any] = [
    None,
    "not a list",
    {"type": "dict instead of list"},
    [None, 1, 2.5, True, ["nested"]],
    ["a plain string", {"type": None, "detail": None, "at": None, "duration_s": None}],
    [{"at": "not a date"}, {"at": "2026-13-45T99:00"}, {"at": 1732400000}, {"at": ["x"]}],
    [{"duration_s": "abc"}, {"duration_s": -5}, {"duration_s": float("nan")}, {"duration_s": 1e30}],
    [{"type": {"x": 1}, "detail": ["y"]}, {}],
    [{"at": "2026-11-20T10:00:00+02:00"}, {"at": "2026-11-20T10:00:00"}, {"at": ""}],
    [
        {"at": "9999-12-31T23:59:59"},
        {"at": "0001-01-01T00:00:00"},
        {"at": "0001-01-01T00:00+05:00"},
    ],
]


@pytest.mark.parametrize("activities", BAD_ACTIVITIES)
def test_bad_activity_data_does_not_crash(kit: Any, activities: Any, check_limits: Any) -> None:
    lead = kit.lead()
    lead.activities = activities  # bypass model validation: stored JSON can be anything
    card = build_lead_card(kit.ctx(lead=lead), audience="channel")
    assert check_limits(card) == []
    assert "Recent activity" in visible(card)


@pytest.mark.parametrize("employees", ["lots", float("nan"), float("inf"), -3, True, None])
def test_bad_other_fields_do_not_crash(kit: Any, employees: Any, check_limits: Any) -> None:
    lead = kit.lead()
    lead.employees = employees
    lead.score = "high"  # type: ignore[assignment]
    handoff = kit.handoff(signals=None)
    handoff.signals = "demo_request"  # type: ignore[assignment]
    card = build_lead_card(kit.ctx(lead=lead, handoff=handoff), audience="owner")
    assert check_limits(card) == []


def test_history_section(kit: Any) -> None:
    history = (
        HistoryItem("Bo", REJECTED, "Bad data", None, datetime(2026, 9, 1, 10)),
        HistoryItem(
            "Ana <x>",
            HANDED_BACK,
            "Timing: project is months out",
            "call back in Q1",
            datetime(2026, 10, 1, 10),
            date(2027, 1, 5),
        ),
    )
    text = visible(build_lead_card(kit.ctx(history=history), audience="channel"))
    assert "*Earlier hand-offs*" in text
    assert (
        "↩️ Handed back by Ana &lt;x&gt; on 2026-10-01: Timing: project is months out"
        " — “call back in Q1” (revisit 2027-01-05)"
    ) in text
    assert "❌ Rejected by Bo on 2026-09-01: Bad data" in text
    assert text.index("Handed back by Ana") < text.index("Rejected by Bo")  # newest first
    single = visible(build_lead_card(kit.ctx(history=history[:1]), audience="owner"))
    assert "*Earlier hand-off*\n" in single
    none = visible(build_lead_card(kit.ctx(), audience="owner"))
    assert "Earlier hand-off" not in none


def test_fallback_text_is_short_and_escaped(kit: Any) -> None:
    ctx = kit.ctx(lead=kit.lead(first_name="<!channel>" * 50, company="A&B"))
    for audience in ("owner", "channel"):
        text = build_lead_card(ctx, audience=audience)["text"]  # type: ignore[arg-type]
        assert len(text) <= 150
        assert "<" not in text
    decided = kit.ctx(handoff=kit.handoff(status=ACCEPTED, decided_at=NOW))
    assert build_lead_card(decided, audience="channel")["text"] == (
        "Lead Dana Scully (Acme) → Ana Alvarez: accepted"
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("round_robin", "routed by round robin"),
        ("crm_owner", "routed by CRM owner"),
        ("manager_fallback", "routed by manager fallback"),
        ("reassigned", "reassigned from an earlier owner"),
    ],
)
def test_footer_says_how_the_lead_came_here_in_words(kit: Any, rule: str, expected: str) -> None:
    for audience in ("owner", "channel"):
        text = visible(build_lead_card(kit.ctx(handoff=kit.handoff(rule=rule)), audience=audience))
        assert expected in text
        assert "routed by reassign" not in text


def test_channel_card_times_are_in_each_readers_zone(kit: Any) -> None:
    """Many people read the channel card: Slack's date token, never the owner's zone."""
    due = datetime(2026, 11, 24, 19, 30)
    token = "<!date^1795548600^{date_short_pretty} at {time}|Tue 24 Nov 2026, 14:30 EST>"
    pending = kit.ctx(handoff=kit.handoff(due_at=due), owner_tz="America/New_York")
    channel = raw_text(build_lead_card(pending, audience="channel"))
    assert f"respond by *{token}*" in channel
    owner = raw_text(build_lead_card(pending, audience="owner"))
    assert "respond by *Tue 24 Nov 2026, 14:30 EST*" in owner and "<!date^" not in owner
    decided = kit.ctx(
        handoff=kit.handoff(status=ACCEPTED, decided_by="U0AE00001", decided_at=due),
        owner_tz="Europe/London",
        follow_up_due=due,
    )
    channel = raw_text(build_lead_card(decided, audience="channel"))
    assert channel.count("<!date^1795548600^") == 2  # decided on, first touch due by
    assert "GMT" not in re.sub(r"<!date[^>]*>", "", channel)  # only inside the fallbacks
