"""LeadOps: the frame. Page config, login, and the pages the user's role may open."""

from functools import partial

import streamlit as st

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Permission, allows
from pages._shared import context, login, state
from pages._shared.login_cookie import CookieJar

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


def _sidebar(actor: Actor, cookies: CookieJar) -> bool:
    """Who is logged in, and the logout button. False once the user has logged out."""
    with st.sidebar:
        st.markdown(f"**{actor.name}** · {actor.role.value}")
        if st.button("Log out", key="leadops_logout"):
            login.log_out(cookies)
            return False
    return True


def main() -> None:
    state.init_session_state()
    try:
        context.require_keys()
        context.engine()
        # The cookie component may be rendered only once per run.
        cookies = CookieJar()
        actor = login.logged_in_actor()
    except LeadOpsError as exc:
        st.error(exc.message, icon=":material/error:")
        st.stop()
    if actor is None or not _sidebar(actor, cookies):
        login_page = st.Page(partial(login.render_login_page, cookies), title="Log in",
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
