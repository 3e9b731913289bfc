"""Lead intake: validate the JSON, store it, qualify and route it (DESIGN §3)."""
