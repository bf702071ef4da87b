"""LeadOps: the frame. Page config, login, and the pages the user's role may open."""

from functools import partial

import streamlit as st
import streamlit_authenticator as stauth

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Permission, allows
from pages._shared import context, login, state
from pages._shared.literal import literal

st.set_page_config(page_title="LeadOps", page_icon=":material/support_agent:", layout="wide")

# (page file, title, icon, permission that makes it appear)
PAGES = (
    ("pages/agent_capacity.py", "Agent capacity", ":material/groups:", Permission.VIEW_DASHBOARDS),
    ("pages/lead_assignment.py", "Lead assignment", ":material/assignment_ind:", Permission.ASSIGN_LEADS),
    ("pages/bulk_operations.py", "Bulk operations", ":material/dynamic_feed:", Permission.BULK_OPERATIONS),
    ("pages/scoring_leaderboard.py", "Scoring leaderboard", ":material/leaderboard:",
     Permission.VIEW_DASHBOARDS),
    ("pages/scoring_weights.py", "Scoring weights", ":material/tune:", Permission.EDIT_SCORING),
    ("pages/audit_log.py", "Audit log", ":material/history:", Permission.VIEW_AUDIT_LOG),
)


def _logged_in_actor(authenticator: stauth.Authenticate) -> Actor | None:
    """The acting user with a logout button in the sidebar, or None when logged out."""
    if not login.is_logged_in():
        return None
    actor = context.current_actor()
    with st.sidebar:
        st.markdown(f"**{literal(actor.name)}** · {actor.role.value}")
        authenticator.logout("Log out", location="sidebar", key="leadops_logout")
    return actor if login.is_logged_in() else None


def main() -> None:
    state.init_session_state()
    try:
        context.require_keys()
        context.engine()
        # One authenticator per run: its cookie component may only be rendered once. It reads
        # the users table, so with the database away this is where the first run learns it.
        authenticator = login.build_authenticator()
    except LeadOpsError as exc:
        st.error(literal(exc.message), icon=":material/error:")
        st.stop()
    actor = _logged_in_actor(authenticator)
    if actor is None:
        login_page = st.Page(partial(login.render_login_page, authenticator), title="Log in",
                             url_path="login")
        st.navigation([login_page], position="hidden").run()
        return

    pages = [
        st.Page(path, title=title, icon=icon)
        for path, title, icon, permission in PAGES
        if allows(actor.role, permission)
    ]
    st.navigation(pages).run()


main()
