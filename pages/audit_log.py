"""Audit log (manager, admin): every change, who made it and why, newest first, a screen at a time."""

import streamlit as st

from core.audit.browse import audit_actions, audit_screen
from core.domain.audit import AuditFilters
from core.domain.permissions import Permission
from core.exports.export import export_audit_log
from pages._shared import audit_screens, context, state
from pages._shared.changes import audit_table
from pages._shared.export_control import export_control
from pages._shared.feedback import attempt, attempt_or_stop
from pages._shared.tables import AUDIT_LOG, AUDIT_LOG_COLUMNS, AUDITED_ENTITIES, EMPTY

st.title("Audit log")
actor = context.actor_allowed_to(
    Permission.VIEW_AUDIT_LOG, "Your role may not view the audit log. A lead's own history is on its detail.")

c1, c2, c3, c4 = st.columns(4)
known_actions = attempt(lambda: audit_actions(context.reader(), actor)) or []
action = c1.selectbox("Action", ["", *known_actions], key="au_action", format_func=lambda a: a or "any")
actor_name = c2.text_input("By (user name or display name)", key="au_actor", max_chars=64)
entity_type = c3.selectbox("Entity", ["", *AUDITED_ENTITIES], key="au_entity",
                           format_func=lambda e: e or "any")
entity_id = c4.text_input("Entity id", key="au_entity_id", max_chars=64)
c5, c6, c7, c8 = st.columns(4)
since = c5.date_input("From", value=None, key="au_since")
until = c6.date_input("To", value=None, key="au_until")
batch_id = c7.text_input("Batch (its short id)", key=state.AUDIT_BATCH, max_chars=64)
reason_text = c8.text_input("Reason contains the words", key="au_reason", max_chars=100)
filters = AuditFilters(action=action or "", actor_name=actor_name.strip(), entity_type=entity_type,
                       entity_id=entity_id.strip(), batch_id=batch_id.strip(), since=since, until=until,
                       reason_text=reason_text.strip())

cursor = audit_screens.position(filters)
result = attempt_or_stop(lambda: audit_screen(context.reader(), actor, filters, older_than=cursor,
                                              size=audit_screens.SCREEN_ROWS))
st.caption(f"{len(result.rows)} changes, newest first" + (" · older ones: more…" if result.has_older else "")
           + " · rows are never edited or deleted; `python cli.py audit-verify` checks their keyed hash "
             "chains.")
# Who, what and why first; the changed fields can be long and go last.
picked = st.dataframe(audit_screens.shown(audit_table(result.rows, AUDIT_LOG)), hide_index=True,
                      key="au_table", placeholder=EMPTY, on_select="rerun", selection_mode="single-row",
                      column_config=AUDIT_LOG_COLUMNS, column_order=[
                          "When", "By", "Action", "Entity", "Id", "Reason", "Batch", "Changes", "Row"])
newer, older, batch = st.columns([1, 1, 4])
if newer.button("← Newer", key="au_newer", disabled=not result.has_newer):
    audit_screens.newer(filters)
if older.button("Older →", key="au_older", disabled=not result.has_older):
    audit_screens.older(filters, result.rows[-1].cursor)
audit_screens.batch_button(batch, result.rows, picked.selection.rows)
export_control("au_export", "all matching rows", lambda fmt, max_rows: export_audit_log(
    context.writer(), actor, filters, fmt, max_rows=max_rows))
