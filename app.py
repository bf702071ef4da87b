"""LeadOps: the frame. Page config, login, and the pages the user's role may open."""

import streamlit as st

from core.errors import LeadOpsError
from core.permissions import Permission, allows
from pages._shared import context, login

st.set_page_config(page_title="LeadOps", page_icon="📞", layout="wide")

# (page file, title, icon, permission that makes it appear)
PAGES = (
    ("pages/agent_capacity.py", "Agent capacity", "👥", Permission.VIEW_DASHBOARDS),
)


def main() -> None:
    try:
        context.engine()
    except LeadOpsError as exc:
        st.error(exc.message, icon="🛑")
        st.stop()

    if not login.is_logged_in():
        st.navigation([st.Page(login.render_login_page, title="Log in", url_path="login")],
                      position="hidden").run()
        return

    authenticator = login.build_authenticator()
    try:
        actor = context.current_actor()
    except LeadOpsError as exc:
        authenticator.logout(location="unrendered")
        st.error(exc.message, icon="🔒")
        st.stop()
    with st.sidebar:
        st.markdown(f"**{actor.name}** · {actor.role.value}")
        authenticator.logout("Log out", location="sidebar", key="leadops_logout")
    if not login.is_logged_in():
        st.rerun()

    pages = [
        st.Page(path, title=title, icon=icon)
        for path, title, icon, permission in PAGES
        if allows(actor.role, permission)
    ]
    st.navigation(pages).run()


main()
