from slack_bolt import App

from bot import ids
from handlers.commands import handshake


def register(app: App) -> None:
    app.command(ids.SLASH_COMMAND)(handshake.handle)
