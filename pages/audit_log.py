"""Audit log (manager, admin): every change, who made it and why, newest first."""

import streamlit as st

from core.audit.log import audit_page
from core.domain.audit import AuditFilters
from core.domain.permissions import Permission
from core.exports.export import export_audit_log
from pages._shared import context, state
from pages._shared.changes import audit_table
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt_or_stop
from pages._shared.tables import AUDIT_LOG, AUDIT_LOG_COLUMNS, EMPTY

PAGE_SIZE = 50

st.title("Audit log")
actor = context.actor_allowed_to(
    Permission.VIEW_AUDIT_LOG, "Your role may not view the audit log. A lead's own history is on its detail.")

c1, c2, c3, c4 = st.columns(4)
action = c1.text_input("Action starts with", key="au_action", placeholder="lead. / bulk. / scoring.",
                       max_chars=64)
actor_name = c2.text_input("By (user name)", key="au_actor", max_chars=64)
entity_type = c3.selectbox("Entity", ["", "lead", "agent", "batch", "user", "scoring_weights", "tenant"],
                           key="au_entity", format_func=lambda e: e or "any")
entity_id = c4.text_input("Entity id", key="au_entity_id", max_chars=64)
c5, c6, c7 = st.columns([1, 1, 2])
since = c5.date_input("From", value=None, key="au_since")
until = c6.date_input("To", value=None, key="au_until")
batch_id = c7.text_input("Batch id", key="au_batch", max_chars=64)
filters = AuditFilters(action=action.strip(), actor_name=actor_name.strip().lower(), entity_type=entity_type,
                       entity_id=entity_id.strip(), batch_id=batch_id.strip(), since=since, until=until)

page_number = st.session_state.get(state.AUDIT_PAGE, 1)
result = attempt_or_stop(lambda: audit_page(context.reader(), actor, filters, page=page_number,
                                            page_size=PAGE_SIZE))
pager = result.pager
st.caption(f"{result.total:,} audited changes match · page {pager.shown_page} of {pager.pages} · "
           "rows are never edited or deleted; `python cli.py audit-verify` checks their keyed hash chains.")
# Who, what and why first; the changed fields can be long and go last.
st.dataframe(audit_table(result.rows, AUDIT_LOG), hide_index=True, key="au_table", placeholder=EMPTY,
             column_order=["When", "By", "Action", "Entity", "Id", "Reason", "Batch", "Changes", "Row"],
             column_config=AUDIT_LOG_COLUMNS)
st.columns(6)[0].number_input("Page", min_value=1, max_value=pager.pages, value=pager.shown_page,
                              key=state.AUDIT_PAGE)
export_control("au_export", "all matching rows", lambda fmt, max_rows: export_audit_log(
    context.writer(), actor, filters, fmt, max_rows=max_rows))
