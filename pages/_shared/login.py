"""Login with streamlit-authenticator, credentials read from the users table each run.

The library checks the bcrypt hash and keeps the cookie; LeadOps keeps the lockout and the
audit trail in the database, so they hold across replicas and restarts.
"""

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core.accounts.login import login_directory, record_failed_login, record_successful_login
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError
from pages._shared import context, state

LOGIN_SLEEP_SECONDS = 0.7  # the library's default pause while logged out; tests lower it


def build_authenticator(*, login_sleep_time: float = LOGIN_SLEEP_SECONDS) -> stauth.Authenticate:
    settings = context.settings()
    directory = login_directory(context.reader())
    credentials = {
        "usernames": {
            entry.username: {
                "name": entry.name, "email": entry.email, "password": entry.password_hash,
                "roles": [entry.role], "failed_login_attempts": 0,
            }
            for entry in directory
        }
    }
    return stauth.Authenticate(
        credentials, cookie_name=settings.cookie_name, cookie_key=settings.cookie_key,
        cookie_expiry_days=settings.cookie_expiry_days, auto_hash=False,
        login_sleep_time=login_sleep_time,
    )


def is_logged_in() -> bool:
    return bool(st.session_state.get(state.AUTH_STATUS))


def _forget_login() -> None:
    for key in (state.AUTH_STATUS, state.USERNAME, state.ROLES, "name", "email"):
        st.session_state[key] = None


def _on_password_login(event: dict) -> None:
    # Raising here stops the library before it sets the cookie.
    record_successful_login(context.writer(), event["username"], utcnow())


def _failed_username(authenticator: stauth.Authenticate) -> str | None:
    users = authenticator.authentication_controller.authentication_model.credentials["usernames"]
    return next((name for name, user in users.items() if user["failed_login_attempts"]), None)


def render_login_page(authenticator: stauth.Authenticate) -> None:
    st.title("LeadOps")
    st.caption("Lead assignment for the call center. Log in with your LeadOps account.")
    try:
        authenticator.login(location="main", callback=_on_password_login, key="leadops_login")
    except (LeadOpsError, LoginError) as exc:
        _forget_login()
        st.error(getattr(exc, "message", str(exc)), icon=":material/lock:")
        return
    if is_logged_in():
        # No st.rerun() here: it would drop the cookie component before the browser sets the
        # cookie (then a reload logs out). Setting the cookie reruns the app by itself.
        st.success("Logged in. Opening your dashboard…", icon=":material/check_circle:")
        return
    if st.session_state.get(state.AUTH_STATUS) is False:
        failed = _failed_username(authenticator)
        try:
            lock_message = record_failed_login(context.writer(), failed, utcnow()) if failed else None
        except LeadOpsError as exc:  # the database went away between the form and the count
            st.error(exc.message, icon=":material/error:")
            return
        st.error(lock_message or "Username or password is incorrect.", icon=":material/lock:")
        st.session_state[state.AUTH_STATUS] = None  # count each submit once
