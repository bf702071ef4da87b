"""A lead's detail: contact, score, assignment history, activities, audit trail, score history.

User text is only ever shown through dataframes and `st.text`, never as Markdown or HTML.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from core.domain.leads import DETAIL_ROWS, DetailList, LeadDetail
from pages._shared.changes import audit_table
from pages._shared.tables import (
    ACTIVITIES,
    ACTIVITY_COLUMNS,
    ASSIGNMENT_COLUMNS,
    ASSIGNMENTS,
    EMPTY,
    LEAD_AUDIT,
    LEAD_AUDIT_COLUMNS,
    SCORE_HISTORY_COLUMNS,
    score_history,
    scores,
    table,
)


def _shown(value: object) -> str | None:
    if value is None:
        return None  # shown as EMPTY, like every table's empty cells
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if isinstance(value, datetime) else str(value)


def _fields(lead: LeadDetail) -> pd.DataFrame:
    values = {
        "Name": lead.name, "Company": lead.company, "Email": lead.email, "Phone": lead.phone,
        "Source": lead.source, "Status": lead.status.value, "Agent": lead.agent_name,
        "Required skill": lead.required_skill, "Due date": lead.due_date, "Created": lead.created_at,
        "First contact": lead.first_contact_at,
    }
    if lead.lost_reason:
        values["Lost because"] = lead.lost_reason
    return pd.DataFrame({"Field": list(values), "Value": [_shown(v) for v in values.values()]})


def render_detail(lead: LeadDetail) -> None:
    st.subheader(f"Lead #{lead.id}")
    st.text(f"{lead.name} · {lead.status.value} · {lead.score_category}")
    left, right = st.columns([3, 2])  # an email address needs the room
    left.dataframe(_fields(lead), hide_index=True, key="lead_fields", placeholder=EMPTY,
                   column_config={"Field": st.column_config.TextColumn(width=110),
                                  "Value": st.column_config.TextColumn(width=190)})
    right.dataframe(scores(lead), hide_index=True, key="lead_scores", placeholder=EMPTY)
    calculated = f"{lead.last_calculated:%Y-%m-%d %H:%M:%S} UTC" if lead.last_calculated else "never"
    right.caption(f"Category {lead.score_category}; calculated {calculated} "
                  f"({lead.calculation_method or 'no method'}).")
    history, activities, audit, changes = st.tabs(
        ["Assignment history", "Activities", "Audit trail", "Score history"])
    for tab, name, frame, columns, empty in (
            (history, None, table(lead.assignments, ASSIGNMENTS), ASSIGNMENT_COLUMNS,
             "Never assigned."),  # never cut
            (activities, DetailList.ACTIVITIES, table(lead.activities, ACTIVITIES), ACTIVITY_COLUMNS,
             "No activities yet."),
            (audit, DetailList.AUDIT, audit_table(lead.audit, LEAD_AUDIT), LEAD_AUDIT_COLUMNS,
             "No audited changes yet."),
            (changes, DetailList.SCORE_HISTORY, score_history(lead.score_history), SCORE_HISTORY_COLUMNS,
             "The score has not changed yet.")):
        with tab:
            if frame.empty:
                st.caption(empty)
                continue
            if name in lead.cut_off:
                st.caption(f"The newest {DETAIL_ROWS:,} rows; older ones are not listed here.")
            st.dataframe(frame, hide_index=True, column_config=columns, placeholder=EMPTY)
