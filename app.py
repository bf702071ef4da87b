"""LeadOps: the frame. Page config, login, and the pages the user's role may open."""

from functools import partial
from pathlib import Path

import streamlit as st

from core.domain.errors import LeadOpsError
from core.domain.identity import Actor
from core.domain.permissions import Permission, allows
from pages._shared import context, login, state
from pages._shared.literal import literal

# A file of our own: a Material or emoji page icon makes the browser fetch it from another host.
FAVICON = Path(__file__).parent / "assets" / "favicon.png"
st.set_page_config(page_title="LeadOps", page_icon=str(FAVICON), layout="wide")
# Also set here, not only in .streamlit/config.toml, which a server started from another
# directory does not read: the tables' own CSV download writes formulas raw (docs/exports.md).
st.set_option("client.disableDataExport", True)

# (page file, URL path, title, icon, permission that makes it appear)
PAGES = (
    ("pages/agent_capacity.py", "agent_capacity", "Agent capacity", ":material/groups:",
     Permission.VIEW_DASHBOARDS),
    ("pages/lead_assignment.py", "lead_assignment", "Lead assignment", ":material/assignment_ind:",
     Permission.ASSIGN_LEADS),
    ("pages/bulk_operations.py", "bulk_operations", "Bulk operations", ":material/dynamic_feed:",
     Permission.BULK_OPERATIONS),
    ("pages/scoring_leaderboard.py", "scoring_leaderboard", "Scoring leaderboard",
     ":material/leaderboard:", Permission.VIEW_DASHBOARDS),
    ("pages/scoring_weights.py", "scoring_weights", "Scoring weights", ":material/tune:",
     Permission.EDIT_SCORING),
    ("pages/routing_rules.py", "routing_rules", "Routing rules", ":material/alt_route:",
     Permission.MANAGE_ROUTING),
    ("pages/sla_hours.py", "sla_hours", "SLAs & hours", ":material/schedule:", Permission.MANAGE_ROUTING),
    ("pages/audit_log.py", "audit_log", "Audit log", ":material/history:", Permission.VIEW_AUDIT_LOG),
    ("pages/users.py", "users", "Users", ":material/manage_accounts:", Permission.MANAGE_USERS),
)


def _not_for_your_role(actor: Actor, title: str) -> None:
    st.title(title)
    st.error(f"{title} is not open to {actor.role.value}s. The pages in the sidebar are the ones "
             "your role may use; ask an admin if you need this one.", icon=":material/block:")


def _login_pages(gate: login.Login) -> list[st.Page]:
    """The login form at every page's URL. A reload or a link starts a session that runs logged
    out until the login cookie is read: the URL must still name its page once logged in
    (Streamlit identifies a page by its URL path)."""
    return [st.Page(gate.render_login_page, title="Log in", url_path=url, default=index == 0)
            for index, (_, url, _, _, _) in enumerate(PAGES)]


def _pages_for(actor: Actor) -> list[st.Page]:
    """The role's pages in the navigation; every other page's URL answers with a plain refusal
    (hidden), instead of Streamlit's "Page not found" and the first page."""
    return [
        st.Page(path, title=title, icon=icon, url_path=url) if allows(actor.role, permission)
        else st.Page(partial(_not_for_your_role, actor, title), title=title, icon=icon, url_path=url,
                     visibility="hidden")
        for path, url, title, icon, permission in PAGES
    ]


def _sidebar(actor: Actor, gate: login.Login) -> bool:
    """Who is logged in, and the logout button. False once the user has logged out."""
    with st.sidebar:
        st.markdown(f"**{literal(actor.name)}** · {actor.role.value}")
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
        st.error(literal(exc.message), icon=":material/error:")
        st.stop()
    if actor is None or not _sidebar(actor, gate):
        st.navigation(_login_pages(gate), position="hidden").run()
        return
    st.navigation(_pages_for(actor)).run()


main()
