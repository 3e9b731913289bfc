from slack_bolt import App

from bot import ids
from handlers.actions import card, decision, dispute, home, home_dials, meeting, recycle, sla


def register(app: App) -> None:
    app.action(ids.ACCEPT)(decision.accept)
    app.action(ids.REJECT)(decision.open_reason_modal)
    app.action(ids.HAND_BACK)(decision.open_reason_modal)
    app.action(ids.CRM_LINK)(decision.link_clicked)
    app.action(ids.CARD_DETAILS)(card.open_details)  # view-only: anyone may open it
    app.action(ids.SNOOZE)(sla.snooze)
    app.action(ids.NUDGE_AGAIN)(sla.nudge_again)
    app.action(ids.REASSIGN_NOW)(sla.reassign_now)
    app.action(ids.TOUCH_CONTACTED)(sla.touch)
    app.action(ids.TOUCH_MEETING)(meeting.book_clicked)  # a form in the SDR stage
    app.action(ids.TOUCH_DISQUALIFIED)(sla.open_disqualify_modal)
    app.action(ids.MEETING_ACCEPT)(meeting.accept)
    app.action(ids.MEETING_SEND_BACK)(meeting.open_decision_modal)
    app.action(ids.MEETING_REJECT)(meeting.open_decision_modal)
    app.action(ids.REVISIT_REENGAGE)(recycle.re_engage)
    app.action(ids.REVISIT_KEEP)(recycle.keep_nurturing)
    app.action(ids.DISPUTE)(dispute.dispute_clicked)
    app.action(ids.DISPUTE_UPHOLD)(dispute.ruling_clicked)
    app.action(ids.DISPUTE_OVERTURN)(dispute.ruling_clicked)
    app.action(ids.HOME_AWAY_DATE)(home.away_picked)
    app.action(ids.HOME_BACK)(home.back)
    app.action(ids.HOME_CAPACITY)(home.capacity_picked)
    app.action(ids.HOME_DIAL)(home_dials.weight_picked)
    app.action(ids.HOME_DIAL_UNTIL)(home_dials.until_picked)
    app.action(ids.HOME_RETRY_DESTINATION)(home.retry_destination_clicked)
