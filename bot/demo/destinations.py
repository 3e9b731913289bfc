"""The demo's outside systems: a stand-in HubSpot, a stand-in Salesforce and a Standard
Webhooks receiver on localhost; the config keys that point the bot at them (`config_data`,
secrets in `environ`, as a real deployment keeps them); the CRM records the feed's leads need
(`add_record`); and the page's "CRM & webhooks" panels, which read and break them.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any

from sandbox.outside import OutsidePanel
from sandbox.server import RunningServer
from sandbox.webhook_receiver import WebhookReceiver
from standins.hubspot import HubSpotState
from standins.salesforce import SalesforceState
from standins.serve import serve_hubspot, serve_salesforce

HUBSPOT_TOKEN_ENV = "HANDSHAKE_DEMO_HUBSPOT_TOKEN"
SF_CLIENT_ID_ENV = "HANDSHAKE_DEMO_SF_CLIENT_ID"
SF_CLIENT_SECRET_ENV = "HANDSHAKE_DEMO_SF_CLIENT_SECRET"
WEBHOOK_SECRET_ENV = "HANDSHAKE_DEMO_WEBHOOK_SECRET"
HUBSPOT_PATHS, SALESFORCE_PATHS = "/crm/v3/objects", "/services/data"
SHOWN = 50  # records and deliveries on the page, newest first
HUBSPOT_400 = {
    "status": "error",
    "message": 'Property values were not valid: Property "handshake_reason" does not exist',
    "category": "VALIDATION_ERROR",
}
SALESFORCE_400 = [
    {
        "message": "No such column 'Handshake_Reason__c' on sobject of type Lead",
        "errorCode": "INVALID_FIELD",
        "fields": ["Handshake_Reason__c"],
    }
]
SALESFORCE_500 = [{"message": "An unexpected error occurred", "errorCode": "UNKNOWN_EXCEPTION"}]


def webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Destinations:
    """Start with `Destinations.start(host)`, end with `stop()`."""

    def __init__(self, hubspot: HubSpotState, salesforce: SalesforceState, secret: str) -> None:
        self.hubspot, self.salesforce, self.secret = hubspot, salesforce, secret
        self.servers: list[RunningServer] = []
        self.receiver: WebhookReceiver | None = None

    @classmethod
    def start(cls, host: str = "127.0.0.1") -> Destinations:
        hubspot = HubSpotState(token=f"pat-demo-{secrets.token_hex(12)}")
        salesforce = SalesforceState(
            client_id=f"demo-{secrets.token_hex(8)}", client_secret=secrets.token_hex(16)
        )
        self = cls(hubspot, salesforce, webhook_secret())
        try:
            self.servers.append(serve_hubspot(hubspot, host))
            self.servers.append(serve_salesforce(salesforce, host))
            self.receiver = WebhookReceiver.start(self.secret, host)
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def hubspot_url(self) -> str:
        return self.servers[0].url

    @property
    def salesforce_url(self) -> str:
        return self.servers[1].url

    @property
    def environ(self) -> dict[str, str]:
        """The secrets, under the variable names `config_data` gives."""
        return {
            HUBSPOT_TOKEN_ENV: self.hubspot.token,
            SF_CLIENT_ID_ENV: self.salesforce.client_id,
            SF_CLIENT_SECRET_ENV: self.salesforce.client_secret,
            WEBHOOK_SECRET_ENV: self.secret,
        }

    def config_data(self) -> dict[str, Any]:
        """The `crm` and `webhooks` keys, as a team would write them for real systems."""
        assert self.receiver is not None
        return {
            "crm": {
                "hubspot": {
                    "token_env": HUBSPOT_TOKEN_ENV,
                    "api_url": self.hubspot_url,
                    "sources": ["hubspot"],
                    "owner": True,
                    "notes": True,
                    "properties": {"reason": "handshake_reason", "note": "handshake_note"},
                },
                "salesforce": {
                    "instance_url": self.salesforce_url,
                    "client_id_env": SF_CLIENT_ID_ENV,
                    "client_secret_env": SF_CLIENT_SECRET_ENV,
                    "sources": ["salesforce"],
                    "owner": True,
                    "tasks": True,
                    "fields": {"reason": "Handshake_Reason__c", "note": "Handshake_Note__c"},
                },
            },
            "webhooks": [{"url": self.receiver.url, "secret_env": WEBHOOK_SECRET_ENV}],
        }

    def add_record(self, lead: Mapping[str, Any]) -> None:
        """The CRM record a lead from the feed stands for (its external_id is the record's id),
        in the CRM it came from; leads from elsewhere have none."""
        external_id, source = str(lead["external_id"]), lead.get("source")
        first, last = str(lead.get("first_name") or ""), str(lead.get("last_name") or "")
        email, company = str(lead.get("email") or ""), str(lead.get("company") or "")
        if source == "hubspot":
            self.hubspot.add_contact(
                external_id, firstname=first, lastname=last, email=email, company=company,
                hs_lead_status="NEW",
            )  # fmt: skip
        elif source == "salesforce":
            self.salesforce.add_lead(
                external_id, FirstName=first, LastName=last, Email=email, Company=company,
                Status="Open - Not Contacted",
            )  # fmt: skip

    def panels(self) -> list[OutsidePanel]:
        hubspot, salesforce, receiver = self.hubspot, self.salesforce, self.receiver
        assert receiver is not None

        def crm_fault(state: HubSpotState | SalesforceState, path: str, status: int, body: Any):
            return lambda times: state.recorder.add_fault(
                "*", path, status=status, body=body, times=times
            )

        def crm_clear(state: HubSpotState | SalesforceState):
            def clear() -> None:
                with state.recorder.lock:
                    state.recorder.faults.clear()

            return clear

        def receiver_clear() -> None:
            with receiver.state.lock:
                receiver.state.faults.clear()

        return [
            OutsidePanel(
                "hubspot", "HubSpot", "records", lambda: {"records": hubspot_records(hubspot)},
                faults={
                    "500": ("Answer 500", crm_fault(hubspot, HUBSPOT_PATHS, 500, None)),
                    "400": ("Answer 400 (unknown property)",
                            crm_fault(hubspot, HUBSPOT_PATHS, 400, HUBSPOT_400)),
                },
                clear=crm_clear(hubspot),
            ),
            OutsidePanel(
                "salesforce", "Salesforce", "records",
                lambda: {"records": salesforce_records(salesforce)},
                faults={
                    "500": ("Answer 500",
                            crm_fault(salesforce, SALESFORCE_PATHS, 500, SALESFORCE_500)),
                    "400": ("Answer 400 (INVALID_FIELD)",
                            crm_fault(salesforce, SALESFORCE_PATHS, 400, SALESFORCE_400)),
                },
                clear=crm_clear(salesforce),
            ),
            OutsidePanel(
                "webhooks", "Webhook receiver", "deliveries",
                lambda: {"url": receiver.url, "deliveries": deliveries(receiver)},
                faults={"500": ("Answer 500", lambda times: receiver.fail(500, times=times))},
                clear=receiver_clear,
            ),
        ]  # fmt: skip

    def stop(self) -> None:
        if self.receiver is not None:
            self.receiver.stop()
        for server in self.servers:
            server.stop()
        self.receiver, self.servers = None, []


def hubspot_records(state: HubSpotState) -> list[dict[str, Any]]:
    contacts = state.snapshot()["contacts"]
    return [
        {
            "id": contact_id,
            "title": _title(c.get("firstname"), c.get("lastname"), c.get("company")),
            "status": c.get("hs_lead_status", ""),
            "fields": {
                "Lead status": c.get("hs_lead_status"),
                "Reason": c.get("handshake_reason"),
                "Note": c.get("handshake_note"),
                "Owner": c.get("hubspot_owner_id"),
                "Email": c.get("email"),
            },
            "items": [
                {"title": "Note", "body": str(n.get("hs_note_body", "")).replace("<br>", "\n")}
                for n in c["notes"]
            ],
        }
        for contact_id, c in reversed(list(contacts.items())[-SHOWN:])
    ]


def salesforce_records(state: SalesforceState) -> list[dict[str, Any]]:
    leads = state.snapshot()["leads"]
    return [
        {
            "id": lead_id,
            "title": _title(lead.get("FirstName"), lead.get("LastName"), lead.get("Company")),
            "status": lead.get("Status", ""),
            "fields": {
                "Status": lead.get("Status"),
                "Handshake_Reason__c": lead.get("Handshake_Reason__c"),
                "Handshake_Note__c": lead.get("Handshake_Note__c"),
                "OwnerId": lead.get("OwnerId"),
                "Email": lead.get("Email"),
            },
            "items": [
                {"title": f"Task: {t.get('Subject', '')}", "body": t.get("Description", "")}
                for t in lead["tasks"]
            ],
        }
        for lead_id, lead in reversed(list(leads.items())[-SHOWN:])
    ]


def deliveries(receiver: WebhookReceiver) -> list[dict[str, Any]]:
    return [
        {
            "type": (d.body or {}).get("type") if isinstance(d.body, dict) else None,
            "webhook_id": d.webhook_id,
            "verified": d.verified,
            "status": d.status,
            "duplicate": d.duplicate,
        }
        for d in reversed(receiver.deliveries[-SHOWN:])
    ]


def _title(first: object, last: object, company: object) -> str:
    name = " ".join(str(p) for p in (first, last) if p)
    return " · ".join(p for p in (name, str(company or "")) if p)
