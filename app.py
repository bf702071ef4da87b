"""LeadOps: the frame. Page config, login, and the pages the user's role may open."""

import streamlit as st

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Permission, allows
from pages._shared import context, login, state

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
    ("pages/users.py", "Users", ":material/manage_accounts:", Permission.MANAGE_USERS),
)


def _sidebar(actor: Actor, gate: login.Login) -> bool:
    """Who is logged in, and the logout button. False once the user has logged out."""
    with st.sidebar:
        st.markdown(f"**{actor.name}** · {actor.role.value}")
        gate.logout_button()
    return login.is_logged_in()


def main() -> None:
    state.init_session_state()
    try:
        context.require_keys()
        context.engine()
        # One streamlit-authenticator per run: its cookie component may be rendered only once.
        gate = login.Login()
        actor = gate.logged_in_actor()
    except LeadOpsError as exc:
        st.error(exc.message, icon=":material/error:")
        st.stop()
    if actor is None or not _sidebar(actor, gate):
        login_page = st.Page(gate.render_login_page, title="Log in", url_path="login")
        st.navigation([login_page], position="hidden").run()
        return

    pages = [
        st.Page(path, title=title, icon=icon)
        for path, title, icon, permission in PAGES
        if allows(actor.role, permission)
    ]
    st.navigation(pages).run()


main()
