from collections.abc import Callable

from slack_bolt import App

from bot import ids
from handlers.actions import card, decision, dispute, home, home_dials, meeting, recycle, sla
from handlers.later import deferrable


def one_click() -> dict[str, Callable[..., None]]:
    """The buttons whose whole work after the ack is the database and answers (no form to
    open, which needs the click's trigger_id within 3 s): `serve`'s delivery process does
    that work (handlers/later.py)."""
    return {
        ids.ACCEPT: decision.accept,
        ids.SNOOZE: sla.snooze,
        ids.NUDGE_AGAIN: sla.nudge_again,
        ids.TOUCH_CONTACTED: sla.touch,
        ids.MEETING_ACCEPT: meeting.accept,
        ids.REVISIT_REENGAGE: recycle.re_engage,
        ids.REVISIT_KEEP: recycle.keep_nurturing,
        ids.HOME_AWAY_DATE: home.away_picked,
        ids.HOME_BACK: home.back,
        ids.HOME_CAPACITY: home.capacity_picked,
        ids.HOME_DIAL: home_dials.weight_picked,
        ids.HOME_DIAL_UNTIL: home_dials.until_picked,
        ids.HOME_RETRY_DESTINATION: home.retry_destination_clicked,
    }


def register(app: App) -> None:
    for action_id, listener in one_click().items():
        app.action(action_id)(deferrable(listener))
    app.action(ids.REJECT)(decision.open_reason_modal)
    app.action(ids.HAND_BACK)(decision.open_reason_modal)
    app.action(ids.CRM_LINK)(decision.link_clicked)
    app.action(ids.CARD_DETAILS)(card.open_details)  # view-only: anyone may open it
    app.action(ids.REASSIGN_NOW)(sla.reassign_now)
    app.action(ids.TOUCH_MEETING)(meeting.book_clicked)  # a form in the SDR stage
    app.action(ids.TOUCH_DISQUALIFIED)(sla.open_disqualify_modal)
    app.action(ids.MEETING_SEND_BACK)(meeting.open_decision_modal)
    app.action(ids.MEETING_REJECT)(meeting.open_decision_modal)
    app.action(ids.DISPUTE)(dispute.dispute_clicked)
    app.action(ids.DISPUTE_UPHOLD)(dispute.ruling_clicked)
    app.action(ids.DISPUTE_OVERTURN)(dispute.ruling_clicked)
