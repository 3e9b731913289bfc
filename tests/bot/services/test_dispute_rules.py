"""Who may dispute and who rules (issue 14 §1), pure on the test roster."""

from __future__ import annotations

from bot.services.disputes import disputable, may_dispute, may_rule, ruler_for
from storage.models import ACCEPTED, HANDED_BACK, REJECTED, Handoff
from tests import factories as f


def _handoff(owner: str, team: str | None = "enterprise", **kw) -> Handoff:
    return Handoff(lead_id=1, owner_id=owner, team=team, rule="round_robin",
                   contract_version="t", created_at=f.START, due_at=f.START, **kw)  # fmt: skip


def test_only_marketers_and_admins_may_dispute(config):
    assert [p for p in (f.ANA, f.SAM, f.MAYA, f.MIA, f.ADA) if may_dispute(config, p)] == [
        f.MIA,
        f.ADA,
    ]
    assert not may_dispute(config, "U0NOBODY1")


def test_a_reps_decision_goes_to_their_manager_a_managers_to_an_admin(config):
    assert ruler_for(config, _handoff(f.ANA)) == f.MAYA
    assert ruler_for(config, _handoff(f.EVE, "emea")) == f.MAX
    assert ruler_for(config, _handoff(f.MAYA)) == f.ADA  # never the owner
    assert may_rule(config, f.ANA, f.MAYA) and may_rule(config, f.ANA, f.ADA)
    assert not may_rule(config, f.ANA, f.ANA) and not may_rule(config, f.ANA, f.MAX)
    assert not may_rule(config, f.MAYA, f.MAYA, ruler_id=f.MAYA)  # not their own decision
    assert may_rule(config, f.ANA, f.BEN, ruler_id=f.BEN)  # whoever the dispute went to


def test_only_a_reject_or_hand_back_on_quality_is_disputable():
    assert disputable(_handoff(f.ANA, status=REJECTED))
    assert disputable(_handoff(f.ANA, status=HANDED_BACK))
    assert not disputable(_handoff(f.ANA, status=REJECTED, routing_error=True))
    assert not disputable(_handoff(f.ANA, status=ACCEPTED))
