"""The bulk update panel: one set of field changes applied to the chosen leads."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.bulk.update import LeadChange, bulk_update, leads_matching
from core.domain.identity import Actor
from core.domain.leads import CLEAR
from core.domain.vocabulary import SKILLS, SOURCES
from core.exports.safe_csv import to_safe_csv
from pages._shared import context
from pages._shared.feedback import attempt, progress_bar
from pages._shared.tables import EMPTY

KEEP = "(no change)"


def _choice(label: str, options: Sequence[str], key: str) -> str | None:
    value = st.selectbox(label, [KEEP, *options], key=key)
    return None if value == KEEP else value


def render_bulk_update(actor: Actor, request_leads: dict) -> None:
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        status = _choice("Status", ["contacted", "qualified", "converted", "lost"], "bu_status")
    with c2:
        source = _choice("Source", SOURCES, "bu_source")
    with c3:
        skill = _choice("Required skill", ["(clear)", *SKILLS], "bu_skill")
    with c4:
        due_mode = st.selectbox("Due date", [KEEP, "set", "(clear)"], key="bu_due_mode")
        due = st.date_input("New due date", key="bu_due") if due_mode == "set" else None
    mode = st.radio("Mode", ["Best effort", "All or nothing"], horizontal=True, key="bu_mode",
                    help="Best effort applies the valid rows and reports the others; all or nothing "
                         "changes nothing unless every row is valid.")
    if not st.button("Apply update", key="bu_apply", disabled=not request_leads):
        return
    if "lead_ids" in request_leads:
        ids = list(request_leads["lead_ids"])
    else:
        ids = attempt(lambda: leads_matching(context.reader(), actor, request_leads["filters"],
                                             limit=request_leads["limit"])) or []
    changes = [LeadChange(i, status=status, source=source,
                          required_skill=CLEAR if skill == "(clear)" else skill,
                          due_date=CLEAR if due_mode == "(clear)" else due) for i in ids]
    with progress_bar("Updating…") as progress:
        result = attempt(lambda: bulk_update(context.writer, actor, changes,
                                             all_or_nothing=mode == "All or nothing", progress=progress))
    if result is None:
        return
    if result.applied:
        st.success(f"{result.applied} lead(s) updated.", icon=":material/check_circle:")
    if result.refused:
        nothing = " Nothing was changed." if result.applied == 0 else ""
        st.error(f"{len(result.refused)} row(s) refused.{nothing}", icon=":material/block:")
    outcome = pd.DataFrame(result.outcome(), columns=["Lead", "Result", "Reason"])
    st.dataframe(outcome, hide_index=True, key="bu_outcome", placeholder=EMPTY)
    st.download_button("Download the outcome (CSV)", to_safe_csv(outcome), "bulk-update-outcome.csv",
                       "text/csv", key="bu_outcome_csv")
