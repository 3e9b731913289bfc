"""bot/views/reassign_modal: the picker within Block Kit's limits, outside text escaped."""

from __future__ import annotations

import json

from bot import ids
from bot.services.reassign_picker import Candidate, PickerForm
from bot.views.reassign_modal import build_reassign_modal, chosen_of, option_text


def form(candidates: list[Candidate]) -> PickerForm:
    return PickerForm(7, "Jordan <Lee> (Acme & Co)", "U0AE00001", tuple(candidates))


def menu(view):
    return next(b for b in view["blocks"] if b.get("block_id") == ids.REASSIGN_BLOCK)["element"]


def test_the_suggested_one_first_and_pre_selected_the_unavailable_apart():
    view = build_reassign_modal(
        form(
            [
                Candidate("U2", "Ben", suggested=True),
                Candidate("U3", "Cara", held_before=True),
                Candidate("U4", "Dan", unavailable="away until 2026-12-01"),
            ]
        ),
        "Ana",
    )
    select = menu(view)
    assert [o["value"] for o in select["options"]] == ["U2", "U3"]
    assert select["initial_option"]["value"] == "U2"
    assert select["options"][0]["text"]["text"] == "Ben (suggested)"
    assert select["options"][1]["text"]["text"] == "Cara (held it before)"
    assert "Not offered: Dan: away until 2026-12-01" in json.dumps(view)
    assert json.loads(view["private_metadata"]) == {"handoff_id": 7}
    assert "Jordan &lt;Lee&gt; (Acme &amp; Co)" in view["blocks"][0]["text"]["text"]


def test_no_suggestion_no_pre_selection_and_at_most_100_options():
    many = [Candidate(f"U{i}", f"Rep {i}") for i in range(130)]
    select = menu(build_reassign_modal(form(many), "Ana"))
    assert len(select["options"]) == 100
    assert "initial_option" not in select


def test_a_long_name_is_trimmed_to_fit_an_option():
    text = option_text(Candidate("U1", "x" * 200, suggested=True, held_before=True))
    assert len(text) <= 75 and text.endswith("(suggested, held it before)")


def test_chosen_of_reads_only_a_well_formed_choice():
    def values(option):
        return {"state": {"values": {ids.REASSIGN_BLOCK: {ids.REASSIGN_INPUT: option}}}}

    assert chosen_of(values({"selected_option": {"value": "U2"}})) == "U2"
    for bad in ({}, {"selected_option": None}, {"selected_option": {"value": 3}}, None):
        assert chosen_of(values(bad)) is None
    assert chosen_of({}) is None
    assert chosen_of({"state": {"values": {ids.REASSIGN_BLOCK: {}}}}) is None
