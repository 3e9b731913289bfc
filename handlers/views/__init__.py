from slack_bolt import App

from bot import ids
from handlers.views import reason_modal, touch_modal


def register(app: App) -> None:
    app.view(ids.REASON_MODAL)(reason_modal.submit)
    app.view(ids.TOUCH_MODAL)(touch_modal.submit)
