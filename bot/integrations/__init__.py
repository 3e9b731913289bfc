"""What goes out to systems outside Slack (issue 10), in pure parts with no database access:

- `events`: the event body, built once at the time of the event; `signing`: Standard Webhooks
- `crm_mapping`: a decision event's body and the config → what to write to HubSpot/Salesforce
- `http`: one call over httpx, its answer classified (`errors`: retry later, or refused)
- `hubspot`, `salesforce`: thin clients over an `httpx.Client`, one `write_back` each

The service that queues the rows is bot/services/outgoing.py; the jobs that deliver them
(and turn `errors` into the worker's) are in bot/delivery/jobs/.
"""
