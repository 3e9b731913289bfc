"""Talking to the systems where leads live (issue 10 §2): HubSpot and Salesforce.

- `crm_mapping`: pure, no I/O: a decision event's body and the config → what to write
- `http`: one call over httpx, its answer classified (`errors`: retry later, or refused)
- `hubspot`, `salesforce`: thin clients over an `httpx.Client`, one `write_back` each

Nothing here knows the outbox: the delivery jobs (bot/delivery/jobs/hubspot.py,
salesforce.py) map a row to a write, call a client and turn `errors` into the worker's.
"""
