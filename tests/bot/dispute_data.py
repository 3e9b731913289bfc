"""A hand-built set of disputes (issue 14 §1) for the command and the digest:

- Una (enterprise): rejected "Bad or unverifiable data" → disputed by Mia → overturned by Maya
- Ola (enterprise): rejected, same reason → disputed by Mia → upheld by Maya
- Ida (emea, Eve): handed back "Timing" → disputed by Ada → still open
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import decisions, dispute_rulings, disputes
from storage.db import unit_of_work
from storage.handoffs import handoffs_for_lead
from tests import factories as f


@dataclass(frozen=True)
class Disputed:
    lead_id: int
    owner: str
    dispute_id: int


def decided(bot, name: str, action: str, reason: str, **overrides) -> tuple[int, str, int]:
    routed = f.routed_handoff(bot, first_name=name, deliver=False, **overrides)
    owner = routed.answer["owner"]
    outcome = decisions.decide(
        routed.handoff.id, owner, action, runtime=bot.runtime, reason_code=reason
    )
    assert outcome.result == decisions.RECORDED
    return routed.lead_id, owner, routed.handoff.id


def build(bot) -> dict[str, Disputed]:
    made = {}
    for name, action, reason, by, ruling, extra in (
        ("Una", decisions.REJECT, "R-DATA", f.MIA, dispute_rulings.OVERTURN, {}),
        ("Ola", decisions.REJECT, "R-DATA", f.MIA, dispute_rulings.UPHOLD, {}),
        ("Ida", decisions.HANDBACK, "N-TIMING", f.ADA, None, {"country": "DE"}),
    ):
        lead_id, owner, handoff_id = decided(bot, name, action, reason, **extra)
        opened = disputes.open_dispute(handoff_id, by, f"{name} is a buyer", runtime=bot.runtime)
        assert opened.result == disputes.RECORDED and opened.dispute is not None
        dispute_id = opened.dispute.id
        if ruling is not None:
            ruled = dispute_rulings.rule(dispute_id, f.MAYA, ruling, runtime=bot.runtime)
            assert ruled.result == disputes.RECORDED
        made[name] = Disputed(lead_id, owner, dispute_id)
    with unit_of_work(bot.runtime.engine) as session:
        assert len(handoffs_for_lead(made["Una"].lead_id, session=session)) == 2
    bot.runtime.clock.advance(minutes=1)  # a report's period ends (exclusive) when asked
    return made
