"""`handshake demo` writes decisions back: its stand-in HubSpot and Salesforce hold a record
for each lead of theirs from the feed, a click on the sandbox page is written back to it by
the real bot's CRM lane, and the webhook receiver gets a verified delivery; the page reads
and breaks them through the sandbox's own origin only."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from bot import ids
from bot.demo import Demo
from bot.demo.destinations import HUBSPOT_TOKEN_ENV
from bot.demo.roster import demo_config
from sandbox.models import Message
from tests.helpers import rendered, wait_for

# seed 4: the feed's first lead comes from HubSpot, the second from Salesforce
SEED, HUBSPOT_LEAD, SALESFORCE_LEAD = 4, 0, 1


@pytest.fixture
def demo() -> Iterator[Demo]:
    demo = Demo(port=0, leads=2, every=0, seed=SEED, colleagues=False)  # the test clicks
    demo.start()
    yield demo
    demo.stop()


def card_of(demo: Demo, index: int, first_name: str) -> tuple[str, Message]:
    """The owner of the feed's `index`th lead and its card in their DM."""
    assert demo.feed is not None and demo.sandbox is not None
    feed, state = demo.feed, demo.sandbox.state
    wait_for(lambda: len(feed.posted) > index, timeout=10)
    owner = str(feed.posted[index]["owner"])
    dm = state.dm_channel_id(owner)

    def card() -> Message | None:
        found = [m for m in state.messages(dm) if m.metadata and first_name in rendered(m)]
        return found[0] if found else None

    return owner, wait_for(card, timeout=10)


def external_ids(demo: Demo) -> list[str]:
    assert demo.destinations is not None
    return [*demo.destinations.hubspot.contacts, *demo.destinations.salesforce.leads]


def accept_on_the_page(demo: Demo, owner: str, card: Message) -> None:
    assert demo.sandbox is not None
    answer = httpx.post(
        demo.sandbox.url + "/_sandbox/ui/action",
        json={"user": owner, "channel": card.channel, "ts": card.ts, "action_id": ids.ACCEPT},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text


def crm_id(owner: str, crm: str) -> str:
    person = next(p for p in demo_config().people if p.slack_id == owner)
    assert person.crm_ids is not None
    return str(getattr(person.crm_ids, crm))


def test_an_accept_on_the_page_reaches_hubspot_salesforce_and_the_receiver(demo: Demo):
    destinations = demo.destinations
    assert destinations is not None and destinations.receiver is not None
    wait_for(lambda: len(external_ids(demo)) == 2, timeout=10)
    [contact_id] = destinations.hubspot.contacts
    [lead_id] = destinations.salesforce.leads
    assert destinations.hubspot.contact(contact_id)["hs_lead_status"] == "NEW"

    first = destinations.hubspot.contact(contact_id)["firstname"]
    owner, card = card_of(demo, HUBSPOT_LEAD, first)
    accept_on_the_page(demo, owner, card)
    contact = wait_for(
        lambda: (
            (c := destinations.hubspot.contact(contact_id)).get("hs_lead_status") == "IN_PROGRESS"
            and c
        ),
        timeout=10,
    )
    assert contact["hubspot_owner_id"] == crm_id(owner, "hubspot")
    [note] = wait_for(lambda: destinations.hubspot.notes_of(contact_id), timeout=10)
    assert "Accepted" in note["hs_note_body"]

    def accepted_delivery() -> list[object]:
        return [
            d
            for d in destinations.receiver.deliveries  # type: ignore[union-attr]
            if d.verified and d.status == 200 and d.body["type"] == "handoff.accepted"
        ]

    [delivery] = wait_for(accepted_delivery, timeout=10)
    assert delivery.body["data"]["lead"]["external_id"] == contact_id  # type: ignore[attr-defined]

    hubspot_owner = owner
    first = destinations.salesforce.lead(lead_id)["FirstName"]
    owner, card = card_of(demo, SALESFORCE_LEAD, first)
    accept_on_the_page(demo, owner, card)
    lead = wait_for(
        lambda: (
            (x := destinations.salesforce.lead(lead_id)).get("Status") == "Working - Contacted"
            and x
        ),
        timeout=10,
    )
    assert lead["OwnerId"] == crm_id(owner, "salesforce")
    [task] = wait_for(lambda: destinations.salesforce.tasks_of(lead_id), timeout=10)
    assert "Accepted" in task["Subject"]

    assert demo.sandbox is not None
    panels = httpx.get(demo.sandbox.url + "/_sandbox/outside", timeout=10).json()["panels"]
    shown = {p["name"]: p["data"] for p in panels}
    [record] = shown["hubspot"]["records"]
    assert (record["id"], record["status"]) == (contact_id, "IN_PROGRESS")
    assert record["fields"]["Owner"] == crm_id(hubspot_owner, "hubspot")
    assert [i["title"] for i in record["items"]] == ["Note"]
    assert shown["salesforce"]["records"][0]["status"] == "Working - Contacted"
    assert any(
        d["type"] == "handoff.accepted" and d["verified"] and d["webhook_id"]
        for d in shown["webhooks"]["deliveries"]
    )


def test_a_destination_broken_on_the_page_is_retried_then_written(demo: Demo):
    assert demo.sandbox is not None
    destinations = demo.destinations
    assert destinations is not None
    wait_for(lambda: destinations.hubspot.contacts, timeout=10)
    [contact_id] = destinations.hubspot.contacts
    broke = httpx.post(
        demo.sandbox.url + "/_sandbox/faults/outside",
        json={"name": "hubspot", "kind": "500", "times": 2},
        timeout=10,
    )
    assert broke.json() == {"ok": True}
    first = destinations.hubspot.contact(contact_id)["firstname"]
    owner, card = card_of(demo, HUBSPOT_LEAD, first)
    accept_on_the_page(demo, owner, card)
    wait_for(
        lambda: destinations.hubspot.contact(contact_id).get("hs_lead_status") == "IN_PROGRESS",
        timeout=15,
    )
    patches = destinations.hubspot.recorder.calls_to("PATCH", "/crm/v3/objects/contacts")
    assert [c.status for c in patches] == [500, 500, 200]


def test_the_panel_routes_answer_their_own_page_only(demo: Demo):
    assert demo.sandbox is not None
    url, port = demo.sandbox.url, demo.sandbox.url.rsplit(":", 1)[1]
    own = httpx.get(url + "/_sandbox/outside", timeout=10)
    assert own.status_code == 200 and len(own.json()["panels"]) == 3
    rebound = httpx.get(url + "/_sandbox/outside", headers={"Host": f"evil.example:{port}"})
    assert rebound.status_code == 421
    foreign = {"Origin": "http://evil.example"}
    assert httpx.get(url + "/_sandbox/outside", headers=foreign).status_code == 403
    fault = {"name": "hubspot", "kind": "500", "times": 1}
    assert (
        httpx.post(url + "/_sandbox/faults/outside", json=fault, headers=foreign).status_code == 403
    )
    as_form = httpx.post(
        url + "/_sandbox/faults/outside", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert as_form.status_code == 415
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    assert httpx.get(url + "/_sandbox/outside", headers=cross_site).status_code == 403
    assert demo.destinations is not None and not demo.destinations.hubspot.recorder.faults
    bad = httpx.post(url + "/_sandbox/faults/outside", json={"name": "hubspot", "kind": "418"})
    assert bad.status_code == 400


def test_the_demos_secrets_live_in_its_environment_only_while_it_runs():
    assert HUBSPOT_TOKEN_ENV not in os.environ
    demo = Demo(port=0, leads=0, every=0)
    try:
        demo.start()
        assert demo.destinations is not None
        assert os.environ[HUBSPOT_TOKEN_ENV] == demo.destinations.hubspot.token
    finally:
        demo.stop()
    assert HUBSPOT_TOKEN_ENV not in os.environ
