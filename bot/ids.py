"""Every action_id, callback_id and block_id, shared by handlers and view builders."""

# Decision buttons on a lead card (value: the hand-off id).
ACCEPT = "handoff_accept"
REJECT = "handoff_reject"
HAND_BACK = "handoff_handback"
CRM_LINK = "handoff_crm_link"  # a link button: Slack still sends a block_action, we just ack it

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

SLASH_COMMAND = "/handshake"
