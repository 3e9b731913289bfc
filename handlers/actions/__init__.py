from slack_bolt import App

from bot import ids
from handlers.actions import decision


def register(app: App) -> None:
    app.action(ids.ACCEPT)(decision.accept)
    app.action(ids.REJECT)(decision.open_reason_modal)
    app.action(ids.HAND_BACK)(decision.open_reason_modal)
    app.action(ids.CRM_LINK)(decision.link_clicked)
