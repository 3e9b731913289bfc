from slack_bolt import App

from handlers.events import app_home, user_change


def register(app: App) -> None:
    app.event("app_home_opened")(app_home.opened)
    app.event("user_change")(user_change.changed)
