"""Custom insight lists (`insights.personas`, `insights.roles`, `insights.objections`) and a
custom `reasons.disqualify` list replace the built-in ones: the parsed config holds their
codes and labels, a duplicate code is refused at its key path, an empty insight list hides
its menu, and the Reject, Hand back and Disqualify forms offer the custom labels."""

from __future__ import annotations

from typing import Any

import pytest

from bot import ids
from bot.config import ConfigError, HandshakeConfig, parse_config
from bot.config.insights import DEFAULT_OBJECTIONS, DEFAULT_PERSONAS, DEFAULT_ROLES
from bot.config.reasons import DEFAULT_DISQUALIFY_REASONS
from bot.views import build_reason_modal, build_touch_modal
from bot.views.insight_inputs import insight_blocks, parse_insights
from sandbox.blockkit import check_view
from tests import factories as f

PERSONAS = [
    {"code": "cfo", "label": "Chief financial officer"},
    {"code": "plant-manager", "label": "Plant manager"},
]
ROLES = [
    {"code": "signer", "label": "Signs the contract"},
    {"code": "champion", "label": "Champion inside the account"},
    {"code": "blocker", "label": "Blocks the deal"},
]
OBJECTIONS = [
    {"code": "lock-in", "label": "Fears vendor lock-in"},
    {"code": "gdpr", "label": "Data residency & <GDPR>"},
]
DISQUALIFY = [
    {"code": "D-STUDENT", "label": "A student project"},
    {"code": "D-RESELLER", "label": "A reseller, not a buyer"},
]
LISTS = {"personas": PERSONAS, "roles": ROLES, "objections": OBJECTIONS}  # config keys
MENUS = {"persona": PERSONAS, "decision_role": ROLES, "objection": OBJECTIONS}  # names sent


def custom(**insights: Any) -> HandshakeConfig:
    lists = {**LISTS, **insights}
    return parse_config(f.config_data(insights=lists, reasons={"disqualify": DISQUALIFY}))


def pairs(choices: Any) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in choices]


def written(entries: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(e["code"], e["label"]) for e in entries]


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    return info.value.problems


def menus(view: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """The insight menus of a form: {persona|decision_role|objection: [(text, value)]}."""
    found = {}
    for block in view["blocks"]:
        block_id = block.get("block_id", "")
        if block_id.startswith(ids.INSIGHT_BLOCK):
            assert block["optional"] is True
            options = block["element"]["options"]
            found[block_id.removeprefix(ids.INSIGHT_BLOCK)] = [
                (o["text"]["text"], o["value"]) for o in options
            ]
    return found


def reason_menu(view: dict[str, Any], block_id: str) -> list[tuple[str, str]]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [(o["text"]["text"], o["value"]) for o in block["element"]["options"]]


def test_custom_lists_replace_the_defaults():
    config = custom()
    assert pairs(config.insights.personas) == written(PERSONAS)
    assert pairs(config.insights.roles) == written(ROLES)
    assert pairs(config.insights.objections) == written(OBJECTIONS)
    assert pairs(config.reasons.disqualify) == written(DISQUALIFY)
    # The lists behind persona / decision_role / objection are the custom ones...
    for which, entries in MENUS.items():
        assert pairs(config.insights.choices(which)) == written(entries)
    assert config.insights.label("decision_role", "champion") == "Champion inside the account"
    assert config.insights.known("persona", "cfo") == "cfo"
    # ...and no longer the built-in ones: a default code is unknown, a default reason gone.
    assert config.insights.known("persona", DEFAULT_PERSONAS[0].code) is None
    assert config.insights.known("decision_role", DEFAULT_ROLES[0].code) is None
    assert config.insights.known("objection", DEFAULT_OBJECTIONS[0].code) is None
    assert config.reason("disqualify", "D-STUDENT") is not None
    assert config.reason("disqualify", DEFAULT_DISQUALIFY_REASONS[0].code) is None
    # The reject and hand-back lists, not given, keep their defaults.
    assert config.reasons.reject == parse_config(f.config_data()).reasons.reject


def test_without_the_keys_the_defaults_stay():
    config = parse_config(f.config_data())
    assert pairs(config.insights.personas) == pairs(DEFAULT_PERSONAS)
    assert pairs(config.insights.roles) == pairs(DEFAULT_ROLES)
    assert pairs(config.insights.objections) == pairs(DEFAULT_OBJECTIONS)
    assert pairs(config.reasons.disqualify) == pairs(DEFAULT_DISQUALIFY_REASONS)


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("personas", "insights.personas[2].code"),
        ("roles", "insights.roles[2].code"),
        ("objections", "insights.objections[2].code"),
    ],
)
def test_a_duplicate_insight_code_is_refused_at_its_key_path(key, path):
    entries = LISTS[key][:2]
    twice = [*entries, {"code": entries[0]["code"], "label": "Another label"}]
    problems = problems_of(f.config_data(insights={key: twice}))
    assert problems == [f'{path}: "{entries[0]["code"]}" is already used by {key}[0]']


def test_a_duplicate_disqualify_code_is_refused_at_its_key_path():
    twice = [*DISQUALIFY, {"code": "D-STUDENT", "label": "Still a student"}]
    problems = problems_of(f.config_data(reasons={"disqualify": twice}))
    assert problems == ['reasons.disqualify[2].code: "D-STUDENT" is already used by disqualify[0]']


def test_every_duplicate_is_listed_at_once():
    problems = problems_of(
        f.config_data(
            insights={
                "personas": [*PERSONAS, PERSONAS[1]],
                "objections": [OBJECTIONS[0], OBJECTIONS[0]],
            },
            reasons={"disqualify": [DISQUALIFY[0], DISQUALIFY[0]]},
        )
    )
    assert sorted(line.split(": ", 1)[0] for line in problems) == [
        "insights.objections[1].code",
        "insights.personas[2].code",
        "reasons.disqualify[1].code",
    ]


def test_the_reject_and_hand_back_forms_offer_the_custom_labels():
    config = custom()
    for kind, reasons in (("reject", config.reasons.reject), ("handback", config.reasons.handback)):
        view = build_reason_modal(
            kind=kind,  # type: ignore[arg-type]
            handoff_id=7,
            lead_label="Jordan Lee (Acme Corp)",
            reasons=reasons,
            extra=insight_blocks(config.insights),
        )
        assert check_view(view) == []
        assert menus(view) == {
            "persona": [("Chief financial officer", "cfo"), ("Plant manager", "plant-manager")],
            "decision_role": [
                ("Signs the contract", "signer"),
                ("Champion inside the account", "champion"),
                ("Blocks the deal", "blocker"),
            ],
            "objection": [
                ("Fears vendor lock-in", "lock-in"),
                ("Data residency &amp; &lt;GDPR&gt;", "gdpr"),  # escaped, as every label
            ],
        }


def test_the_disqualify_form_offers_the_custom_reasons_and_insights():
    config = custom()
    view = build_touch_modal(
        handoff_id=7,
        lead_label="Jordan Lee (Acme Corp)",
        reasons=config.reasons.disqualify,
        extra=insight_blocks(config.insights),
    )
    assert check_view(view) == []
    assert reason_menu(view, ids.TOUCH_REASON_BLOCK) == [
        ("A student project", "D-STUDENT"),
        ("A reseller, not a buyer", "D-RESELLER"),
    ]
    assert [value for _, value in menus(view)["persona"]] == ["cfo", "plant-manager"]


def test_an_empty_list_hides_its_menu():
    config = custom(roles=[])
    assert config.insights.roles == []
    view = build_reason_modal(
        kind="reject",
        handoff_id=7,
        lead_label="Jordan Lee",
        reasons=config.reasons.reject,
        extra=insight_blocks(config.insights),
    )
    assert sorted(menus(view)) == ["objection", "persona"]


def test_a_submitted_form_keeps_the_custom_codes_and_drops_the_default_ones():
    config = custom()

    def submitted(**picked: str) -> dict[str, Any]:
        select = "static_select"
        return {
            ids.INSIGHT_BLOCK + which: {
                ids.INSIGHT_INPUT: {"type": select, "selected_option": {"value": code}}
            }
            for which, code in picked.items()
        }

    chosen = submitted(persona="plant-manager", decision_role="blocker", objection="gdpr")
    assert parse_insights(chosen, config.insights) == {
        "persona": "plant-manager",
        "decision_role": "blocker",
        "objection": "gdpr",
    }
    stale = submitted(persona="executive", decision_role="influencer", objection="price")
    assert parse_insights(stale, config.insights) == {
        "persona": None,
        "decision_role": None,
        "objection": None,
    }
