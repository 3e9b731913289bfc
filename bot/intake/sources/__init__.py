"""Leads pushed by other systems in their own shape: each kind's default map and body
reading (`hubspot`, `salesforce`, `json_source`; `kinds` picks by kind) and the mapping onto
an intake body (`mapping`), which then goes through `bot.intake.validate` like any other lead."""
