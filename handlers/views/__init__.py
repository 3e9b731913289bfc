from slack_bolt import App

from bot import ids
from handlers.views import dispute_modal, meeting_modal, reason_modal, reassign_modal, touch_modal


def register(app: App) -> None:
    app.view(ids.REASON_MODAL)(reason_modal.submit)
    app.view(ids.TOUCH_MODAL)(touch_modal.submit)
    app.view(ids.REASSIGN_MODAL)(reassign_modal.submit)
    app.view(ids.MEETING_BOOK_MODAL)(meeting_modal.submit_booking)
    app.view(ids.MEETING_SEND_BACK_MODAL)(meeting_modal.submit_send_back)
    app.view(ids.MEETING_REJECT_MODAL)(meeting_modal.submit_reject)
    app.view(ids.DISPUTE_MODAL)(dispute_modal.submit_dispute)
    app.view(ids.DISPUTE_RULING_MODAL)(dispute_modal.submit_ruling)
