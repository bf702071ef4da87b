"""Session-state keys, in one place, and their starting values (set once per session).

The first three say who is logged in: streamlit-authenticator's own keys, which it sets at a
login or a cookie restore (pages/_shared/login.py); the fourth is the user's session generation
at that moment, which LeadOps compares on every run. Keys marked "widget"
belong to a widget that the page also reads from session state; Streamlit sets those itself.
"""

from typing import Any

import streamlit as st

AUTH_STATUS = "authentication_status"
USERNAME = "username"
ROLES = "roles"
SESSION_GENERATION = "leadops_session_generation"  # the user's generation when this session began
LOGIN_NOTE = "leadops_login_note"  # why the login form is shown again (a session that ended)
FLASH = "leadops_flash"  # messages to show after the rerun that follows a change
OPEN_LEAD = "leadops_open_lead"  # the id of the lead open on Lead assignment, kept by id
LEAD_LIST = "leadops_lead_list_"  # widget, + the listed ids' digest: the lead table and its row selection
LEAD_PAGE = "leadops_lead_page"  # widget: the lead list's page number
AUDIT_SCREEN = "leadops_audit_screen"  # (filters, cursors that opened each screen): where the audit log is
AUDIT_BATCH = "au_batch"  # widget: the audit log's batch filter (a batch id in a row sets it)
SAVED_SEARCH_NOTES = "leadops_saved_search_notes_"  # + the filters' prefix: what the last save/apply said
BULK_PLAN = "leadops_bulk_plan"  # the bulk assignment previewed, until committed
BULK_UPDATE_PENDING = "leadops_bulk_update_pending"  # (choices, lead ids) awaiting confirmation
CAPACITY_RESETS = "cap_editor_saves"  # saves and discards the capacity table has had (its key changes)
SOURCE_EDITOR = "w_sources_"  # widget, + the version it shows: the weights page's source-quality table
WEIGHTS_SHOWN = "leadops_weights_shown"  # the weights version the sliders started from
SLA_SHOWN = "leadops_sla_shown"  # the SLA settings version the SLAs & hours form started from
SEEN_VERSIONS = "leadops_seen_versions_"  # + "lead" or "agent": versions the last run showed
RULES_SEEN = "leadops_rules_seen"  # routing rule id -> the version the admin's page showed

_STARTING_VALUES: dict[str, Any] = {
    AUTH_STATUS: None, USERNAME: None, ROLES: None, SESSION_GENERATION: None,
    FLASH: [], BULK_PLAN: None, CAPACITY_RESETS: 0, RULES_SEEN: {},
}


def init_session_state() -> None:
    """Give every non-widget key its starting value, once; later runs keep what is there."""
    for key, value in _STARTING_VALUES.items():
        st.session_state.setdefault(key, value)
