"""Users (admin): the tenant's accounts; add one, change a role, deactivate or reactivate,
unlock after failed logins, set a new password. Core refuses every other role and tenant."""

from collections.abc import Callable

import streamlit as st

from core.accounts import user_admin
from core.accounts.users import create_user
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Permission, Role
from core.domain.users import UserSummary
from pages._shared import context
from pages._shared.feedback import attempt, attempt_or_stop, show_flash, succeed_and_refresh
from pages._shared.tables import EMPTY, table

USERS = {"username": "Username", "name": "Name", "email": "Email", "role": "Role",
         "is_active": "Active", "is_locked": "Locked", "last_login_at": "Last login"}
ROLES = [r.value for r in Role]


def done(action: Callable[[], object]) -> bool:
    """Run a change; its refusal is shown by `attempt`."""
    def run() -> bool:
        action()
        return True
    return attempt(run) is not None


def change_panel(actor: Actor, user: UserSummary) -> None:
    role_col, state_col, password_col = st.columns(3)
    with role_col:
        role = st.selectbox("Role", ROLES, index=ROLES.index(user.role), key="us_role")
        if st.button("Change role", key="us_change_role") and done(
                lambda: user_admin.change_role(context.writer(), actor, username=user.username,
                                               role=role)):
            succeed_and_refresh(f"{user.username} is now a {role}.")
    with state_col:
        if st.button("Deactivate" if user.is_active else "Reactivate", key="us_active") and done(
                lambda: user_admin.set_active(context.writer(), actor, username=user.username,
                                              active=not user.is_active)):
            now = "deactivated" if user.is_active else "active again"
            succeed_and_refresh(f"{user.username} is {now}.")
        if st.button("Unlock", key="us_unlock", disabled=not user.is_locked,
                     help=None if user.is_locked else "This account is not locked.") and done(
                lambda: user_admin.unlock_user(context.writer(), actor, username=user.username)):
            succeed_and_refresh(f"{user.username} is unlocked and may log in again.")
    with password_col:
        password = st.text_input("New password", type="password", key="us_password",
                                 autocomplete="new-password")
        if st.button("Set password", key="us_set_password") and done(
                lambda: user_admin.set_password(context.writer(), actor, username=user.username,
                                                password=password)):
            succeed_and_refresh(f"{user.username} has a new password; tell them in person.")


st.title("Users")
actor = context.actor_allowed_to(
    Permission.MANAGE_USERS, "Only admins manage users. Ask an admin to add or change an account.")
show_flash()

users = attempt_or_stop(lambda: user_admin.list_users(context.reader(), actor, now=utcnow()))
st.dataframe(table(users, USERS), hide_index=True, key="us_table", placeholder=EMPTY)
st.caption("A locked account has had 5 failed logins in a row; it unlocks by itself after 15 "
           "minutes, or at once below. Deactivating, or setting a new password, logs the user "
           "out on every device.")

st.subheader("Change a user")
username = st.selectbox("User", [u.username for u in users], key="us_user")
chosen = next((u for u in users if u.username == username), None)
if chosen is not None:
    change_panel(actor, chosen)

st.subheader("Add a user")
with st.form("us_add", clear_on_submit=False):
    c1, c2 = st.columns(2)
    new_username = c1.text_input("Username", key="us_new_username", max_chars=64,
                                 help="2-64 lower-case letters, digits, '.', '_' or '-'")
    new_name = c2.text_input("Display name", key="us_new_name", max_chars=120)
    new_email = c1.text_input("Email (optional)", key="us_new_email", max_chars=254)
    new_role = c2.selectbox("Role", ROLES, key="us_new_role")
    new_password = c1.text_input("Password", type="password", key="us_new_password",
                                 autocomplete="new-password")
    if st.form_submit_button("Add user") and done(
            lambda: create_user(context.writer(), actor, username=new_username, name=new_name,
                                role=new_role, password=new_password, email=new_email.strip() or None)):
        succeed_and_refresh(f"Added {new_username.strip().lower()} as a {new_role}.")
