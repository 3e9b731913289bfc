"""Reporting: who sees what (`scope`), periods, and one module per `/handshake` report.

Each report is a plain function `report(*, session, config, scope, now, …)` returning frozen
dataclasses; the SQL lives in `storage.reports`, the Block Kit in `bot.views.reports`, and
`bot.commands.answering` ties them together for the slash command.
"""
