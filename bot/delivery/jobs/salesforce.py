"""`salesforce`: a decision written back to the Salesforce Lead (issue 10 §2). The row's
payload is {"event": <type>, "body": <the event body>}; the Lead Id is the lead's external_id.

The access token lives in the client, which is kept in the lane worker's `state` (keyed by
the instance and the credentials) while the lane's HTTP client lives: fetched once, and
again only on a 401."""

from __future__ import annotations

import httpx

from bot.config.crm import SalesforceConfig
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
from bot.integrations.crm_mapping import salesforce_write
from bot.integrations.salesforce import SalesforceClient
from bot.settings import environment
from storage.models import Outbox

KIND = "salesforce"


def salesforce_job(worker: Delivery, row: Outbox) -> None:
    found = to_write(worker, row, KIND)
    if found is None:
        return
    config, body = found
    with vendor_errors():
        write = salesforce_write(
            body, config, owner_crm_id(worker, body, "salesforce"), key_of(row)
        )
        with http_client(worker) as http:
            client = _client(worker, http, config)
            result = client.write_back(write, look_first=row.maybe_sent)
    worker.done(
        row,
        lead_id=lead_id_of(body),
        event={
            "crm": KIND,
            "record": result.lead_id,
            "fields": result.fields,
            "task": result.task_id,
            "recovered": result.recovered,
        },
    )


def _client(worker: Delivery, http: httpx.Client, config: SalesforceConfig) -> SalesforceClient:
    environ = environment()
    client_id = secret("crm.salesforce.client_id_env", config.client_id_env, environ)
    client_secret = secret("crm.salesforce.client_secret_env", config.client_secret_env, environ)
    if http is not worker.http:  # a client for this call only: nothing to keep
        return SalesforceClient(http, config, client_id, client_secret)
    key = (KIND, config.instance_url, config.api_version, client_id, client_secret)
    client = worker.state.get(key)
    if client is None:
        client = worker.state[key] = SalesforceClient(http, config, client_id, client_secret)
    return client


KINDS: dict[str, Job] = {KIND: salesforce_job}
