"""Bolt listeners, grouped by Slack surface. Each package binds its IDs in register()."""

from slack_bolt import App

from handlers import actions, commands, dedupe, events, views


def register(app: App) -> None:
    app.middleware(dedupe.skip_replays)  # after bot/app.py's, which provide the runtime
    actions.register(app)
    views.register(app)
    commands.register(app)
    events.register(app)
