"""Report queries, aggregated in the database: GROUP BY with COUNT(CASE …), percentiles with
`percentile_cont` on PostgreSQL. Python only sees aggregated rows (a handful per rep,
campaign or reason), never whole hand-offs; on SQLite, which has no percentile function, it
reads narrow columns of durations (see `timings.durations`).

One module per family of figures: `tallies` (what became of the hand-offs, leads received,
reasons), `timings` (minutes to a decision and to a first touch), `owners` (the summary's
row per rep, both at once), `contract` (outcomes by qualification signal), `meetings` (the
SDR → AE stage: its funnel, meetings by SDR, AE and outcome, minutes to the AE's decision,
criteria answers), `recycled` (hand-backs and whether the lead came back), `routing` (the
`routed` events of a window, read in Python: shares and skips for the fairness report),
`stale` (overdue pending hand-offs) and `timeline` (one lead's history).
The SQL building blocks they share with App Home are in `storage.aggregates`.

Every query takes a `Window` (`window.py`): hand-offs (or leads) created in [since, until),
and `owners`, the Slack IDs whose hand-offs count (None: everyone's). Indexes that serve
them: handoff(created_at), handoff(owner_id, created_at), handoff(status, due_at) and
lead(created_at, campaign, status).
"""

from storage.aggregates import Spread
from storage.reports.contract import SignalTally, VersionTally, signal_outcomes, version_outcomes
from storage.reports.meetings import (
    AnswerTally,
    MeetingTally,
    StageCounts,
    answer_tallies,
    failed_criteria,
    meeting_tallies,
    stage_counts,
)
from storage.reports.meetings import decision_minutes as meeting_decision_minutes
from storage.reports.owners import owner_figures
from storage.reports.recycled import RecycleTally, recycle_tallies, return_counts
from storage.reports.routing import RoutedEvent, routed_events
from storage.reports.stale import overdue_pending
from storage.reports.tallies import (
    GroupBy,
    LeadTally,
    Outcomes,
    ReasonTally,
    leads_received,
    outcomes,
    reasons,
)
from storage.reports.timeline import LeadHistory, lead_histories
from storage.reports.timings import Durations, decision_minutes, durations
from storage.reports.window import Window

__all__ = [
    "AnswerTally",
    "Durations",
    "GroupBy",
    "LeadHistory",
    "LeadTally",
    "MeetingTally",
    "Outcomes",
    "ReasonTally",
    "RecycleTally",
    "RoutedEvent",
    "SignalTally",
    "Spread",
    "StageCounts",
    "VersionTally",
    "Window",
    "answer_tallies",
    "decision_minutes",
    "durations",
    "failed_criteria",
    "lead_histories",
    "leads_received",
    "meeting_decision_minutes",
    "meeting_tallies",
    "outcomes",
    "overdue_pending",
    "owner_figures",
    "reasons",
    "recycle_tallies",
    "return_counts",
    "routed_events",
    "signal_outcomes",
    "stage_counts",
    "version_outcomes",
]
