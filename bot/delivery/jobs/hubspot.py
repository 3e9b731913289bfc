"""`hubspot`: a decision written back to the HubSpot contact (issue 10 §2). The row's payload
is {"event": <type>, "body": <the event body>}; the contact is the lead's external_id."""

from __future__ import annotations

from bot.delivery.jobs.crm_common import (
    http_client,
    key_of,
    lead_id_of,
    owner_crm_id,
    secret,
    to_write,
    vendor_errors,
)
from bot.delivery.protocol import Delivery, Job
from bot.integrations.crm_mapping import hubspot_write
from bot.integrations.hubspot import HubSpotClient
from bot.settings import environment
from storage.models import Outbox

KIND = "hubspot"


def hubspot_job(worker: Delivery, row: Outbox) -> None:
    found = to_write(worker, row, KIND)
    if found is None:
        return
    config, body = found
    token = secret("crm.hubspot.token_env", config.token_env, environment())
    with vendor_errors():
        write = hubspot_write(body, config, owner_crm_id(worker, body, "hubspot"), key_of(row))
        with http_client(worker) as http:
            result = HubSpotClient(http, config, token).write_back(write, look_first=row.maybe_sent)
    worker.done(
        row,
        lead_id=lead_id_of(body),
        event={
            "crm": KIND,
            "record": result.contact_id,
            "fields": result.properties,
            "note": result.note_id,
            "recovered": result.recovered,
        },
    )


KINDS: dict[str, Job] = {KIND: hubspot_job}
