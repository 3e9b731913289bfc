"""Application services: one transaction per state change (state + event + outbox)."""
