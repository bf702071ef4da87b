"""Bulk operations: place many leads at once with a preview first, and undo a batch."""

import streamlit as st

from core.agents.capacity import agent_capacity
from core.bulk.batches import recent_batches
from core.bulk.files import read_lead_ids
from core.bulk.undo import undo_batch
from core.domain.batches import BatchKind, short_id
from core.domain.permissions import Permission
from core.exports.export import export_batch
from pages._shared import context
from pages._shared.batch_resume import render_resume
from pages._shared.bulk_assign_panel import render_bulk_assign
from pages._shared.bulk_update_form import render_bulk_update
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt, show_flash, succeed_and_refresh
from pages._shared.import_form import render_import
from pages._shared.lead_filters import lead_filters
from pages._shared.tables import BATCH_COLUMNS, BATCHES, EMPTY, table

st.title("Bulk operations")
actor = context.actor_allowed_to(
    Permission.BULK_OPERATIONS,
    "Your role may not run bulk operations. The agent capacity page shows the team's load.")
show_flash()
capacity = attempt(lambda: agent_capacity(context.reader(), actor))
team = capacity[0] if capacity else []

with st.expander("Import new leads from a CSV file"):
    render_import(actor)

st.subheader("1. Which leads")
source = st.radio("Leads from", ["Filters", "A CSV file of lead ids"], horizontal=True, key="bk_source")
request_leads: dict = {}
if source == "Filters":
    with st.expander("Filters", expanded=True):
        filters = lead_filters("bkf", team, actor, default_statuses=("new",), with_search=False)
    limit = st.number_input("At most this many leads (best score first)", 1, 10_000, 500, key="bk_limit")
    request_leads = {"filters": filters, "limit": int(limit)}
else:
    upload = st.file_uploader("CSV with a lead_id column (and agent_id for manual runs)", type="csv",
                              key="bk_file")
    if upload is not None:
        data = upload.getvalue()
        parsed = attempt(lambda: read_lead_ids(data))
        if parsed is not None:
            st.caption(f"{len(parsed.lead_ids):,} lead ids read.")
            request_leads = {"lead_ids": parsed.lead_ids, "manual_agents": parsed.agent_ids}

assign_tab, update_tab = st.tabs(["Bulk assign", "Bulk update"])
with assign_tab:
    render_bulk_assign(actor, team, request_leads)
with update_tab:
    render_bulk_update(actor, request_leads)

st.subheader("Recent batches")
batches = attempt(lambda: recent_batches(context.reader(), actor))
if batches:
    st.dataframe(table(batches, BATCHES), hide_index=True, key="bk_batches", placeholder=EMPTY,
                 column_config=BATCH_COLUMNS)
    exported = st.selectbox("Batch whose outcome to export (each lead: applied, or refused and why)",
                            [status.batch.id for status in batches], format_func=short_id,
                            key="bk_export_batch")
    export_control("bk_export", "its leads", lambda fmt, max_rows: export_batch(
        context.writer(), actor, exported, fmt, max_rows=max_rows))
    render_resume(actor, [status.batch for status in batches if status.resumable])
    undoable = {status.batch.id: status.batch for status in batches if status.undoable}
    if undoable:
        chosen = st.selectbox("Batch to undo", list(undoable), format_func=short_id, key="bk_undo_batch")
        moves = undoable[chosen].kind == BatchKind.SLA_REROUTE  # leads go back to their first agent
        with st.popover("Undo this batch…"):  # a confirmation that names the change
            st.caption(f"Batch {short_id(chosen)} re-routed {undoable[chosen].leads_changed} breached leads: "
                       "undoing it gives each back to the agent it came from, if that agent can take it "
                       "now, unless the lead changed since. They stay marked as re-routed for their SLA."
                       if moves else
                       f"Batch {short_id(chosen)} assigned {undoable[chosen].leads_changed} leads: undoing "
                       "it sends each back to new and frees its agent's slot, unless the lead changed since.")
            undo = st.button(f"Undo batch {short_id(chosen)}", type="primary", key="bk_undo")
        if undo:
            result = attempt(lambda: undo_batch(context.writer, actor, chosen))
            if result is not None and result.blocked:
                st.error(f"Undo refused: {len(result.blocked)} lead(s) "
                         + ("block it (below, with why)" if moves else "changed since the batch")
                         + ". Nothing was undone.", icon=":material/block:")
                st.dataframe(table(result.blocked, {"lead_id": "Lead", "why": "Why"}),
                             hide_index=True, key="bk_blocked", placeholder=EMPTY)
            elif result is not None:
                succeed_and_refresh(f"Batch {short_id(chosen)} undone: {result.reverted} leads "
                                    f"{result.where_to}.")
elif batches is not None:
    st.caption("No bulk runs yet.")
