"""Claiming a Slack request's identity: first claim wins, later ones learn it, old ones go."""

from __future__ import annotations

from datetime import timedelta

from storage.db import unit_of_work
from storage.models import SeenRequest
from storage.requests import claim_request, prune_requests
from tests import factories as f


def test_first_claim_wins_and_old_keys_are_pruned(engine):
    now = f.FakeClock()()
    with unit_of_work(engine) as session:
        assert claim_request("action:old", session=session, now=now - timedelta(days=2))
        assert claim_request("action:a", session=session, now=now)
        assert not claim_request("action:a", session=session, now=now)
    with unit_of_work(engine) as session:
        assert not claim_request("action:a", session=session, now=now)
        assert prune_requests(session=session, now=now) == 1
    with unit_of_work(engine) as session:
        assert session.get(SeenRequest, "action:old") is None
        assert claim_request("action:old", session=session, now=now)
