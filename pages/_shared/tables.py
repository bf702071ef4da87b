"""Values from core as the tables and charts people read: the pages choose every label here.

Core and storage hand back plain values (dataclasses, named tuples) named by their fields;
each table below maps the fields it shows to their column titles, in order.

Widths: Streamlit sizes a column without one to its content, so long reasons and JSON pushed
the last columns out of view. The `*_COLUMNS` configs give pixel widths that keep every
column in view on a 1400 px screen (a table across the page has 938 px there, one in the lead
detail 554 px; tests/ui/test_tables.py); a cell cut short shows whole when clicked.
"""

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import pandas as pd
import streamlit as st

from core.domain.leads import LeadDetail, ScoreChange
from core.domain.scoring import ScoreComponent
from core.scoring.leaderboard import Contribution

EMPTY = "—"  # how an empty cell reads in every table (Streamlit's own default is "None")
SECONDS, MINUTES = "YYYY-MM-DD HH:mm:ss", "YYYY-MM-DD HH:mm"  # never microseconds: too wide


def _width(pixels: int) -> Any:
    return st.column_config.Column(width=pixels)


def _time(pixels: int, shown: str = SECONDS) -> Any:
    return st.column_config.DatetimeColumn(format=shown, width=pixels)


LEAD_LIST = {"id": "Lead", "name": "Name", "company": "Company", "status": "Status",
             "category": "Category", "score": "Score", "agent_name": "Agent", "source": "Source",
             "required_skill": "Skill", "created_at": "Created"}
AGENT_OPTION_COLUMNS = {"Agent": _width(110), "Eligible": _width(65),
                        "Performance": st.column_config.NumberColumn(width=85, format="%.0f"),
                        "Why": _width(180)}
ASSIGNMENTS = {"assigned_at": "Assigned", "agent_name": "Agent", "previous_agent_name": "Previous agent",
               "by_username": "By", "ended_at": "Ended", "note": "Note / reason"}
ASSIGNMENT_COLUMNS = {"Assigned": _time(110, MINUTES), "Agent": _width(85), "Previous agent": _width(100),
                      "By": _width(70), "Ended": _time(110, MINUTES), "Note / reason": _width(75)}
ACTIVITIES = {"occurred_at": "When", "kind": "Kind", "agent_name": "Agent", "note": "Note"}
ACTIVITY_COLUMNS = {"When": _time(130), "Kind": _width(70), "Agent": _width(90), "Note": _width(260)}
# On screen an audit row's before and after read as one "Changes" column (pages/_shared/changes.py);
# the export keeps the stored JSON (core/exports/columns.py).
LEAD_AUDIT = {"at": "When", "actor_name": "By", "action": "Action", "reason": "Reason"}
LEAD_AUDIT_COLUMNS = {"When": _time(130), "By": _width(75), "Action": _width(110), "Changes": _width(170),
                      "Reason": _width(65)}
AUDIT_LOG = {"at": "When", "actor_name": "By", "action": "Action", "entity_type": "Entity",
             "entity_id": "Id", "reason": "Reason", "batch_id": "Batch", "id": "Row"}
AUDIT_LOG_COLUMNS = {"When": _time(135), "By": _width(80), "Action": _width(120), "Entity": _width(60),
                     "Id": _width(60), "Reason": _width(120), "Batch": _width(80), "Changes": _width(210),
                     "Row": _width(50)}
CATEGORY_COUNTS = {"category": "Category", "leads": "Leads"}
HISTOGRAM = {"score_from": "Score from", "leads": "Leads"}
MOVERS = {"lead_id": "Lead", "name": "Name", "before": "Before", "now": "Now", "change": "Change",
          "category": "Category"}
BATCHES = {"batch.id": "Batch", "batch.created_at": "When", "batch.by_username": "By",
           "batch.kind": "Kind", "batch.strategy": "Strategy", "state": "State",
           "batch.leads_changed": "Changed", "batch.leads_refused": "Refused",
           "batch.planned": "Planned", "batch.undone_by": "Undone by"}
BATCH_COLUMNS = {"Batch": _width(90), "When": _time(135), "By": _width(85), "Kind": _width(95),
                 "Strategy": _width(100), "State": _width(95), "Changed": _width(70), "Refused": _width(70),
                 "Planned": _width(70), "Undone by": _width(90)}
REFUSALS = {"lead_id": "Lead", "why": "Why not placed"}
WEIGHT_VERSIONS = {"version": "Version", "saved_at": "Saved", "by_username": "By",
                   "weights.source_quality": "Source", "weights.engagement": "Engagement",
                   "weights.conversion": "Conversion", "weights.urgency": "Urgency",
                   "thresholds.hot": "Hot", "thresholds.warm": "Warm", "thresholds.cold": "Cold",
                   "reason": "Reason"}
BIGGEST_MOVES = {"lead_id": "Lead", "name": "Name", "before": "Before", "after": "After",
                 "change": "Change", "category_before": "Category before",
                 "category_after": "Category after"}
CONTRIBUTIONS = {"component": "Component", "score": "Score", "weight": "Weight",
                 "contribution": "Contribution"}
COMPONENT_NAMES = {ScoreComponent.SOURCE_QUALITY: "Source quality", ScoreComponent.ENGAGEMENT: "Engagement",
                   ScoreComponent.CONVERSION: "Conversion probability", ScoreComponent.URGENCY: "Urgency"}


def _field(row: Any, path: str) -> Any:
    for name in path.split("."):
        row = getattr(row, name)
    return row.value if isinstance(row, Enum) else row  # shown and exported as its plain value


def table(rows: Iterable[Any], columns: Mapping[str, str]) -> pd.DataFrame:
    """One row per value, one column per field named in `columns` (a dotted path reaches into a
    nested value), titled as `columns` says."""
    return pd.DataFrame([[_field(row, path) for path in columns] for row in rows],
                        columns=list(columns.values()))


def score_history(changes: list[ScoreChange]) -> pd.DataFrame:
    """Short enough for the detail's half of the page: the category as "cold → warm"."""
    return pd.DataFrame({
        "When": [c.calculated_at for c in changes],
        "Before": pd.Series([c.previous_score for c in changes], dtype=float),
        "After": pd.Series([c.new_score for c in changes], dtype=float),
        "Category": [c.new_category if c.previous_category in (None, c.new_category)
                     else f"{c.previous_category} → {c.new_category}" for c in changes],
        "Version": [c.weights_version for c in changes],
    })


SCORE_HISTORY_COLUMNS = {
    "When": _time(130), "Before": _width(65), "After": _width(65), "Category": _width(120),
    "Version": st.column_config.NumberColumn(help="The weights version that computed the score", width=65)}


def scores(lead: LeadDetail) -> pd.DataFrame:
    parts = lead.scores
    values = {COMPONENT_NAMES[ScoreComponent.SOURCE_QUALITY]: parts.source_quality,
              COMPONENT_NAMES[ScoreComponent.ENGAGEMENT]: parts.engagement,
              COMPONENT_NAMES[ScoreComponent.CONVERSION]: parts.conversion,
              COMPONENT_NAMES[ScoreComponent.URGENCY]: parts.urgency, "Overall": parts.overall}
    return pd.DataFrame({"Component": list(values),
                         "Score": [float(v) if v is not None else None for v in values.values()]})


def contributions(parts: list[Contribution]) -> pd.DataFrame:
    frame = table(parts, CONTRIBUTIONS)
    frame["Component"] = [COMPONENT_NAMES[part.component] for part in parts]
    return frame


# What the audit log's rows are about (AuditEntry.entity_type), for its entity filter.
AUDITED_ENTITIES = ("lead", "agent", "batch", "user", "team", "routing_rule", "sla_settings",
                    "scoring_weights", "export", "tenant")
