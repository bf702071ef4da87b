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
SELECTED_LEAD = "leadops_selected_lead"  # widget: the lead open on Lead assignment
LEAD_PAGE = "leadops_lead_page"  # widget: the lead list's page number
AUDIT_PAGE = "au_page"  # widget: the audit log's page number
BULK_PLAN = "leadops_bulk_plan"  # the bulk assignment previewed, until committed
CAPACITY_SAVES = "cap_editor_saves"  # how many saves the capacity table has had (its key changes)
SOURCE_EDITOR = "w_sources"  # widget: the weights page's source-quality table, with its edits
SEEN_VERSIONS = "leadops_seen_versions_"  # + "lead" or "agent": versions the last run showed

_STARTING_VALUES: dict[str, Any] = {
    AUTH_STATUS: None, USERNAME: None, ROLES: None, SESSION_GENERATION: None,
    FLASH: [], BULK_PLAN: None, CAPACITY_SAVES: 0,
}


def init_session_state() -> None:
    """Give every non-widget key its starting value, once; later runs keep what is there."""
    for key, value in _STARTING_VALUES.items():
        st.session_state.setdefault(key, value)
