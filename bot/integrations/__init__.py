"""What goes out to systems outside Slack (webhooks, CRMs), in pure parts: the event body
(`events`), Standard Webhooks signing (`signing`), and the destinations' clients. No
database access here: the service that queues the rows is bot/services/outgoing.py, the
jobs that deliver them are in bot/delivery/jobs/."""
