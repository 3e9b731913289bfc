"""The weekly digest in `handoff_channel`: the hand-off's week in one post, with a chart.

- `schedule`: when it is due (`digest` in the config), claimed once across instances.
- `data`: its numbers, from the reports (everyone's scope) and `storage.digests`.
- `chart`: the funnel and acceptance by campaign as a PNG (matplotlib, Agg).
- `view`: the Block Kit message.
- `status`: `handshake digest`, the schedule at a glance.

Delivering a `digest` outbox row (upload the chart, post once) is a delivery job:
bot/delivery/jobs/digest.py; `digest --now` is bot/delivery/ondemand.py.
"""
