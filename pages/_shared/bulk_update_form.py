"""The bulk update panel: one set of field changes applied to the chosen leads."""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.bulk.update import LeadChange, bulk_update, leads_matching
from core.domain.identity import Actor
from core.domain.leads import CLEAR
from core.domain.vocabulary import SKILLS, SOURCES
from core.exports.safe_csv import to_safe_csv
from pages._shared import context, state
from pages._shared.feedback import attempt, progress_bar
from pages._shared.literal import literal
from pages._shared.tables import EMPTY

KEEP = "(no change)"
SHOWN_IDS = 20  # lead ids listed in the confirmation


def _choice(label: str, options: Sequence[str], key: str) -> str | None:
    value = st.selectbox(label, [KEEP, *options], key=key)
    return None if value == KEEP else value


def _described(status: str | None, source: str | None, skill: str | None, due_mode: str,
               due: object) -> str:
    """The change in words, for the confirmation: "status to lost, clear the due date"."""
    parts = [f"{name} to {value}" for name, value in (("status", status), ("source", source))
             if value is not None]
    if skill is not None:
        parts.append("clear the required skill" if skill == "(clear)" else f"required skill to {skill}")
    if due_mode != KEEP:
        parts.append("clear the due date" if due_mode == "(clear)" else f"due date to {due}")
    return ", ".join(parts)


def _confirmed_ids(actor: Actor, request_leads: dict, choices: tuple, described: str,
                   mode: str) -> list[int] | None:
    """The leads to update once the person has confirmed the change named for them; None until
    then. The leads are read at "Apply update…", and the confirmation lapses if a choice changes."""
    pending = st.session_state.get(state.BULK_UPDATE_PENDING)
    if pending is not None and pending[0] != choices:
        pending = st.session_state[state.BULK_UPDATE_PENDING] = None
    if st.button("Apply update…", key="bu_apply", disabled=not request_leads):
        if not described:
            st.info("Choose at least one field to change.", icon=":material/info:")
            return None
        if "lead_ids" in request_leads:
            ids = list(request_leads["lead_ids"])
        else:
            ids = attempt(lambda: leads_matching(context.reader(), actor, request_leads["filters"],
                                                 limit=request_leads["limit"])) or []
        if not ids:
            st.info("No lead matches these filters: there is nothing to update.", icon=":material/info:")
            return None
        pending = st.session_state[state.BULK_UPDATE_PENDING] = (choices, ids)
    if pending is None:
        return None
    ids = pending[1]
    shown = ", ".join(f"#{i}" for i in ids[:SHOWN_IDS]) + (" …" if len(ids) > SHOWN_IDS else "")
    st.warning(f"Set {literal(described)} on {len(ids):,} leads ({mode.lower()})? Nothing changes until "
               f"you confirm.", icon=":material/help:")
    st.caption(f"Leads: {shown}")
    confirm, cancel = st.columns([1, 4])
    if cancel.button("Cancel", key="bu_cancel"):
        st.session_state[state.BULK_UPDATE_PENDING] = None
        st.rerun()
    if not confirm.button(f"Confirm: update {len(ids):,} leads", type="primary", key="bu_confirm"):
        return None
    st.session_state[state.BULK_UPDATE_PENDING] = None
    return ids


def render_bulk_update(actor: Actor, request_leads: dict) -> None:
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        status = _choice("Status", ["contacted", "qualified", "converted", "lost"], "bu_status")
        lost_reason = (st.text_input("Why lost (required)", key="bu_lost_reason", max_chars=2000)
                       if status == "lost" else None)
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
    choices = (status, lost_reason, source, skill, due_mode, due, mode, repr(request_leads))
    ids = _confirmed_ids(actor, request_leads, choices, _described(status, source, skill, due_mode, due),
                         mode)
    if ids is None:
        return
    changes = [LeadChange(i, status=status, source=source,
                          required_skill=CLEAR if skill == "(clear)" else skill,
                          due_date=CLEAR if due_mode == "(clear)" else due, lost_reason=lost_reason)
               for i in ids]
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
