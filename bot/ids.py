"""Every action_id, callback_id and block_id, shared by handlers and view builders."""

# Decision buttons on a lead card (value: the hand-off id).
ACCEPT = "handoff_accept"
REJECT = "handoff_reject"
HAND_BACK = "handoff_handback"
CRM_LINK = "handoff_crm_link"  # a link button: Slack still sends a block_action, we just ack it

# SLA clock buttons on nudges and escalations (value: the hand-off id).
SNOOZE = "handoff_snooze"
NUDGE_AGAIN = "handoff_nudge_again"
REASSIGN_NOW = "handoff_reassign_now"  # opens the picker (REASSIGN_MODAL)

# The manager's Reassign picker (private_metadata: JSON {"handoff_id"}): a static_select of
# the people who may take the lead, the suggested one first and pre-selected.
REASSIGN_MODAL = "handoff_reassign_modal"
REASSIGN_BLOCK = "reassign_block"
REASSIGN_INPUT = "reassign_input"

# First-touch buttons on an accepted card and on follow-up nudges (value: the hand-off id).
# Contacted and Meeting booked record in one click; Disqualified opens the touch modal.
TOUCH_CONTACTED = "touch_contacted"
TOUCH_MEETING = "touch_meeting"
TOUCH_DISQUALIFIED = "touch_disqualified"

# The SDR → AE stage. With routing.first_line: sdr, an SDR's Meeting booked (TOUCH_MEETING)
# opens the booking modal (private_metadata: JSON {"handoff_id"}); the AE's meeting card
# carries the three decisions (value: the meeting id). Send back and Reject open modals
# (private_metadata: JSON {"meeting_id"}); their notes reuse NOTE_BLOCK / NOTE_INPUT and
# the reject reasons REASON_BLOCK / REASON_INPUT.
MEETING_BOOK_MODAL = "meeting_book_modal"
MEETING_AT_BLOCK = "meeting_at_block"
MEETING_AT_INPUT = "meeting_at_input"  # datetimepicker: selected_date_time (epoch seconds)
MEETING_AE_BLOCK = "meeting_ae_block"
MEETING_AE_INPUT = "meeting_ae_input"  # static_select of the AEs, pre-filled by routing
MEETING_ANSWER_BLOCK = "meeting_answer_"  # + criterion code; radio Yes / Unsure / No
MEETING_ANSWER_INPUT = "meeting_answer_input"
MEETING_COMMENT_BLOCK = "meeting_comment_"  # + criterion code; optional comment
MEETING_COMMENT_INPUT = "meeting_comment_input"
MEETING_ACCEPT = "meeting_accept"  # "Accept into pipeline": one click
MEETING_SEND_BACK = "meeting_send_back"  # opens MEETING_SEND_BACK_MODAL
MEETING_REJECT = "meeting_reject"  # opens MEETING_REJECT_MODAL
MEETING_SEND_BACK_MODAL = "meeting_send_back_modal"
MEETING_CRITERION_BLOCK = "meeting_criterion_block"
MEETING_CRITERION_INPUT = "meeting_criterion_input"  # the criterion that failed (required)
MEETING_REJECT_MODAL = "meeting_reject_modal"

# Disqualified-after-contact modal (private_metadata: JSON {"handoff_id"}); the note
# reuses NOTE_BLOCK / NOTE_INPUT.
TOUCH_MODAL = "touch_modal"
TOUCH_REASON_BLOCK = "touch_reason_block"
TOUCH_REASON_INPUT = "touch_reason_input"

# What sales learned about the buyer: three optional menus on the Reject, Hand back and
# Disqualify forms (block: prefix + persona | decision_role | objection).
INSIGHT_BLOCK = "insight_"
INSIGHT_INPUT = "insight_input"

# Reason modal (private_metadata: JSON {"handoff_id", "kind"}).
REASON_MODAL = "handoff_reason_modal"
REASON_BLOCK = "reason_block"
REASON_INPUT = "reason_input"
NOTE_BLOCK = "note_block"
NOTE_INPUT = "note_input"
REVISIT_BLOCK = "revisit_block"
REVISIT_INPUT = "revisit_input"

# Message metadata event type that tags every card we post (payload: handoff_id, card).
CARD_METADATA_EVENT = "handshake_card"
# Message metadata event type of SLA DMs (nudges, escalations; payload: outbox_id, and
# meeting_id on the SDR → AE stage's meeting nudges and escalations).
DM_METADATA_EVENT = "handshake_dm"

SLASH_COMMAND = "/handshake"

# App Home. The queue and team lists reuse the decision, touch and SLA buttons above
# (value: the hand-off id), in action rows whose block_id is a prefix + the hand-off id.
HOME_PENDING_BLOCK = "home_pending_"
HOME_TOUCH_BLOCK = "home_touch_"
HOME_BREACHED_BLOCK = "home_breached_"
# The SDR → AE stage on Home: an AE's meetings to decide carry MEETING_ACCEPT /
# MEETING_SEND_BACK / MEETING_REJECT (value: the meeting id); an SDR's sent-back meetings
# carry TOUCH_MEETING, "Book again" (value: the hand-off id). Block_id: prefix + meeting id.
HOME_MEETING_BLOCK = "home_meeting_"
HOME_REBOOK_BLOCK = "home_rebook_"
# A rep's own settings on Home (block_ids get the current value appended, so a
# re-published Home shows the stored value rather than the picker's last state).
HOME_AWAY_BLOCK = "home_away_"
HOME_AWAY_DATE = "home_away_until"  # datepicker: selected_date
HOME_BACK = "home_back"  # button "I'm back"
HOME_CAPACITY_BLOCK = "home_capacity_"
HOME_CAPACITY = "home_capacity"  # static_select: "off" (no cap) or a number
HOME_CAPACITY_OFF = "off"
# A rep's dial on Home (issue 15): a weight menu ("off": back to the roster weight) and the
# dial's last day; block_ids get the current value appended, as above.
HOME_DIAL_BLOCK = "home_dial_"
HOME_DIAL = "home_dial"  # static_select: "off" or a weight within routing.weight_range
HOME_DIAL_OFF = "off"
HOME_DIAL_UNTIL_BLOCK = "home_dial_until_"
HOME_DIAL_UNTIL = "home_dial_until"  # datepicker: the dial's last day
# The admin's failing destinations on Home (issue 10 §3): a Retry button per destination
# (value: the destination, a webhook URL or "hubspot" / "salesforce"), in an action row
# whose block_id is a prefix + the row's position.
HOME_FAILING_BLOCK = "home_failing_"
HOME_RETRY_DESTINATION = "home_retry_destination"

# Recycled leads: the revisit DM to the previous owner (value / block: the hand-off id).
REVISIT_REENGAGE = "revisit_reengage"  # button: a new hand-off (to them, else the next rep)
REVISIT_KEEP = "revisit_keep"  # datepicker: keep nurturing until the picked date
# The compact channel card: Details (value: the hand-off id) opens the full card in a
# view-only modal (no submit).
CARD_DETAILS = "card_details"
CARD_DETAILS_MODAL = "card_details_modal"
# Disputes (issue 14 §1). The channel card of a rejected or handed-back lead carries
# DISPUTE (value: the hand-off id), which opens DISPUTE_MODAL (private_metadata: JSON
# {"handoff_id"}) asking why (required). The manager's DM carries DISPUTE_UPHOLD and
# DISPUTE_OVERTURN (value: the dispute id), each opening DISPUTE_RULING_MODAL
# (private_metadata: JSON {"dispute_id", "ruling"}) with an optional note (NOTE_BLOCK).
DISPUTE = "handoff_dispute"
DISPUTE_MODAL = "dispute_modal"
DISPUTE_WHY_BLOCK = "dispute_why_block"
DISPUTE_WHY_INPUT = "dispute_why_input"
DISPUTE_UPHOLD = "dispute_uphold"
DISPUTE_OVERTURN = "dispute_overturn"
DISPUTE_RULING_MODAL = "dispute_ruling_modal"
