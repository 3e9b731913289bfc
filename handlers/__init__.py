"""Bolt listeners, grouped by Slack surface. Each package binds its IDs in register()."""

from slack_bolt import App

from handlers import actions, commands, events, views


def register(app: App) -> None:
    actions.register(app)
    views.register(app)
    commands.register(app)
    events.register(app)
