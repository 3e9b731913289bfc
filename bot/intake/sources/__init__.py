"""Leads pushed by other systems in their own shape (issue 11): each kind's default map and
body reading (`hubspot`, `json`; `salesforce` arrives separately) and the mapping onto an
intake body (`mapping`), which then goes through `bot.intake.validate` like any other lead."""
