"""The Salesforce client against the stand-in Salesforce, served over HTTP on localhost."""

from __future__ import annotations

import pytest

from bot.integrations.crm_mapping import salesforce_write
from bot.integrations.errors import VendorRefused, VendorRetry
from bot.integrations.salesforce import SalesforceClient
from tests.bot.integrations.standins import LEAD, decision_body, salesforce_settings

DATA = "/services/data/v60.0"


def client(salesforce, http, secret=None, **config):
    settings = salesforce_settings(
        instance_url=salesforce.url,
        client_id_env="SF_CLIENT_ID",
        client_secret_env="SF_CLIENT_SECRET",
        fields={"reason": "Handshake_Reason__c", "note": "Handshake_Note__c"},
        **config,
    )
    sf = SalesforceClient(http, settings, salesforce.client_id, secret or salesforce.client_secret)
    return sf, settings


def write(settings, kind="handoff.rejected", owner=None, key="hs-1"):
    body = decision_body(kind, external_id=LEAD, source="salesforce")
    return salesforce_write(body, settings, owner, key)


def test_the_configured_values_arrive(salesforce, http):
    sf, settings = client(salesforce, http, owner=True)
    result = sf.write_back(
        write(settings, "handoff.accepted", "0055e000001AbCdEAF"), look_first=False
    )
    lead = salesforce.lead(LEAD)
    assert lead["Status"] == "Working - Contacted"
    assert lead["OwnerId"] == "0055e000001AbCdEAF"
    assert lead["Handshake_Reason__c"] is None
    [task] = salesforce.tasks_of(LEAD)
    assert task["Id"] == result.task_id and task["Subject"] == "Handshake: Accepted [hs-1]"
    assert task["Status"] == "Completed"
    [token] = salesforce.recorder.calls_to("POST", "/services/oauth2/token")
    assert token.body == {
        "grant_type": "client_credentials",
        "client_id": salesforce.client_id,
        "client_secret": salesforce.client_secret,
    }
    [patch] = salesforce.recorder.calls_to("PATCH", f"{DATA}/sobjects/Lead/{LEAD}")
    assert patch.status == 204


def test_the_token_is_cached(salesforce, http):
    sf, settings = client(salesforce, http)
    sf.write_back(write(settings, key="hs-1"), look_first=False)
    sf.write_back(write(settings, "handoff.handed_back", key="hs-2"), look_first=False)
    assert salesforce.tokens_issued == 1


def test_a_token_expiring_mid_run_is_fetched_again_once(salesforce, http):
    sf, settings = client(salesforce, http)
    sf.write_back(write(settings, key="hs-1"), look_first=False)
    salesforce.expire_tokens()
    sf.write_back(write(settings, "handoff.handed_back", key="hs-2"), look_first=False)
    assert salesforce.tokens_issued == 2 and sf.tokens_fetched == 2
    assert salesforce.lead(LEAD)["Status"] == "Open - Not Contacted"
    assert [c.status for c in salesforce.recorder.calls_to("PATCH")] == [204, 401, 204]


def test_a_401_that_persists_is_not_retried_forever(salesforce, http):
    expired = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    salesforce.recorder.add_fault("PATCH", DATA, status=401, body=expired, times=5)
    sf, settings = client(salesforce, http)
    with pytest.raises(VendorRefused, match="INVALID_SESSION_ID"):
        sf.write_back(write(settings), look_first=False)
    assert salesforce.tokens_issued == 2
    assert len(salesforce.recorder.calls_to("PATCH")) == 2


def test_400_fails_with_salesforces_message(salesforce, http):
    salesforce.lead_fields = {"Status", "Handshake_Note__c"}
    sf, settings = client(salesforce, http)
    with pytest.raises(VendorRefused) as caught:
        sf.write_back(write(settings), look_first=False)
    assert (
        "400 INVALID_FIELD Handshake_Reason__c: No such column 'Handshake_Reason__c' "
        "on sobject of type Lead" in str(caught.value)
    )


def test_bad_client_credentials_fail_with_the_oauth_error(salesforce, http):
    sf, settings = client(salesforce, http, secret="wrong")
    with pytest.raises(VendorRefused, match="invalid_client: invalid client credentials"):
        sf.write_back(write(settings), look_first=False)


@pytest.mark.parametrize(("status", "delay"), [(429, 5.0), (503, 0)])
def test_429_and_5xx_are_retried(salesforce, http, status, delay):
    busy = [{"message": "busy", "errorCode": "SERVER_UNAVAILABLE"}]
    wait = 5 if status == 429 else None
    salesforce.recorder.add_fault("PATCH", DATA, status=status, retry_after=wait, body=busy)
    sf, settings = client(salesforce, http)
    with pytest.raises(VendorRetry) as caught:
        sf.write_back(write(settings), look_first=False)
    assert caught.value.delay == delay and caught.value.maybe_sent is False
    assert [c.status for c in salesforce.recorder.calls_to("PATCH")] == [status]


def test_the_api_limit_is_retried_later(salesforce, http):
    limit = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    salesforce.recorder.add_fault("PATCH", DATA, status=403, body=limit)
    sf, settings = client(salesforce, http)
    with pytest.raises(VendorRetry, match="REQUEST_LIMIT_EXCEEDED"):
        sf.write_back(write(settings), look_first=False)


def test_a_task_whose_create_timed_out_after_success_is_not_created_twice(salesforce, http):
    salesforce.recorder.add_fault("POST", f"{DATA}/sobjects/Task", delay=3.0, apply_after=True)
    sf, settings = client(salesforce, http)
    decision = write(settings)
    with pytest.raises(VendorRetry) as caught:
        sf.write_back(decision, look_first=False)
    assert caught.value.maybe_sent is True
    assert len(salesforce.tasks_of(LEAD)) == 1  # Salesforce made it; we never heard
    result = sf.write_back(decision, look_first=True)
    assert result.recovered is True
    assert len(salesforce.tasks_of(LEAD)) == 1
    [query] = salesforce.recorder.calls_to("GET", f"{DATA}/query")
    assert query.query["q"] == (
        f"SELECT Id FROM Task WHERE WhoId = '{LEAD}' AND Subject = 'Handshake: Rejected [hs-1]'"
    )


def test_a_retry_with_no_earlier_task_creates_one(salesforce, http):
    sf, settings = client(salesforce, http)
    result = sf.write_back(write(settings), look_first=True)
    assert result.recovered is False and len(salesforce.tasks_of(LEAD)) == 1
