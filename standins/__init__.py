"""Stand-in CRMs served over HTTP on localhost, for tests and the demo: HubSpot's contacts
and notes endpoints, Salesforce's token, Lead, Task and query endpoints.

Each records every request it received (`state.calls`), keeps the records it was told about
and what was written to them (status, reason, note, owner, notes or Tasks), and can be told
to misbehave (`state.faults`): 429 with Retry-After, 5xx, 401, 400 with a vendor error body,
or a slow answer after the change was made (a timeout after success). `GET /_standin/state`
shows it all as JSON. Like the stand-in Slack (sandbox/), it imports nothing of the bot.

- `faults`: the fault book and the request log shared by both
- `hubspot`, `salesforce`: the apps and their state; `serve`: start one on a free port
- `salesforce_outbound`: Salesforce as a sender: Outbound Messages (SOAP) for Lead records,
  posted with Salesforce's headers, and whether the answer is the Ack Salesforce wants
"""
