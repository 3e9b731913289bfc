"""A thin Salesforce client over httpx: update the Lead, then (once) add a completed Task.

Request shapes, from Salesforce's REST API and OAuth docs:
- `POST {instance_url}/services/oauth2/token` (form: grant_type=client_credentials,
  client_id, client_secret) → `{"access_token", "instance_url", "token_type", …}`
- `PATCH …/services/data/v{api_version}/sobjects/Lead/{id}` with the fields → 204
- `POST …/sobjects/Task` with `WhoId`, `Subject`, … → 201 `{"id", "success", "errors"}`
- `GET …/query?q=SOQL` → `{"totalSize", "done", "records": [{"Id", …}]}`
- errors: `[{"message", "errorCode", "fields"}]`; OAuth errors `{"error", "error_description"}`

The token is fetched on first use, kept by this client, and fetched again once when a call
answers 401 (expired or revoked). A Task whose creation may have happened is looked for
first by its Subject, which carries the idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.config.crm import SalesforceConfig
from bot.integrations.crm_mapping import SalesforceWrite, task_query
from bot.integrations.errors import Unauthorized, VendorRefused
from bot.integrations.http import json_of, send

LIMIT_DELAY = 60.0  # 403 REQUEST_LIMIT_EXCEEDED: the org's API limit; try again later


@dataclass(frozen=True)
class SalesforceResult:
    lead_id: str
    fields: list[str]  # the field names written
    task_id: str | None
    recovered: bool  # the Task was found from an earlier attempt, not created again


class SalesforceClient:
    def __init__(
        self, http: httpx.Client, config: SalesforceConfig, client_id: str, client_secret: str
    ):
        self.http, self.config = http, config
        self._credentials = (client_id, client_secret)
        self._token: str | None = None
        self.tokens_fetched = 0

    def write_back(self, write: SalesforceWrite, *, look_first: bool) -> SalesforceResult:
        if write.fields:
            self._call("PATCH", f"sobjects/Lead/{write.lead_id}", creates=False, json=write.fields)
        task_id, recovered = None, False
        if write.task is not None:
            task_id = self.find_task(write.lead_id, write.task["Subject"]) if look_first else None
            recovered = task_id is not None
            task_id = task_id or self.create_task(write.task)
        return SalesforceResult(write.lead_id, sorted(write.fields), task_id, recovered)

    def create_task(self, task: dict[str, Any]) -> str:
        fields = {k: v for k, v in task.items() if v is not None}
        response = self._call("POST", "sobjects/Task", creates=True, json=fields)
        return str((json_of(response) or {}).get("id") or "")

    def find_task(self, lead_id: str, subject: str) -> str | None:
        response = self._call(
            "GET", "query", creates=False, params={"q": task_query(lead_id, subject)}
        )
        records = (json_of(response) or {}).get("records") or []
        return str(records[0]["Id"]) if records else None

    def check(self) -> None:
        """A harmless call (the org's limits): the token and the API answer, or it raises."""
        self._call("GET", "limits", creates=False)

    # -- calls and the token ---------------------------------------------------------------

    def _call(self, method: str, path: str, *, creates: bool, **kwargs: Any) -> httpx.Response:
        url = f"{self.config.instance_url}/services/data/v{self.config.api_version}/{path}"
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._access_token()}"}
            try:
                return send(
                    self.http,
                    method,
                    url,
                    vendor="Salesforce",
                    describe=describe_error,
                    creates=creates,
                    retry_on=_limit_exceeded,
                    headers=headers,
                    **kwargs,
                )
            except Unauthorized:
                self._token = None  # expired or revoked: fetch a new one, once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _access_token(self) -> str:
        if self._token is None:
            client_id, client_secret = self._credentials
            response = send(
                self.http,
                "POST",
                f"{self.config.instance_url}/services/oauth2/token",
                vendor="Salesforce",
                describe=describe_error,
                creates=False,
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                },
            )
            token = (json_of(response) or {}).get("access_token")
            if not token:
                raise VendorRefused("Salesforce token: the answer has no access_token")
            self._token, self.tokens_fetched = str(token), self.tokens_fetched + 1
        return self._token


def describe_error(response: httpx.Response) -> str:
    """ "INVALID_FIELD Handshake_Reason__c: No such column …" from Salesforce's error list,
    or "invalid_client: …" from its OAuth error."""
    body = json_of(response)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(_one_error(e) for e in body if isinstance(e, dict))
    if isinstance(body, dict) and body.get("error"):
        return f"{body['error']}: {body.get('error_description') or ''}".rstrip(": ")
    return response.text[:300]


def _one_error(error: dict[str, Any]) -> str:
    fields = " ".join(str(f) for f in error.get("fields") or [])
    code = " ".join(p for p in (str(error.get("errorCode") or ""), fields) if p)
    return f"{code}: {error.get('message') or ''}" if code else str(error.get("message") or "")


def _limit_exceeded(response: httpx.Response) -> float | None:
    body = json_of(response)
    codes = (
        {e.get("errorCode") for e in body if isinstance(e, dict)}
        if isinstance(body, list)
        else set()
    )
    return (
        LIMIT_DELAY if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in codes else None
    )
