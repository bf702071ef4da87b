"""Login, logout and the re-login cookie with streamlit-authenticator, given one user at a time.

The library checks the password (bcrypt), keeps the session state (`authentication_status`,
`username`, `roles`) and sets, reads and deletes the login cookie. LeadOps hands it the one
user it needs, when it needs one, and keeps the rules in core (core/accounts/login.py):
lockout, one answer for every refusal, and sessions that end on every device.

- A logged-out run without a cookie reads no user; a logged-in run reads its user's identity
  (no hash); a login reads the one user whose name was typed (a dummy hash for an unknown
  name, so both cost one bcrypt check); a cookie restore reads the one user it names.
- The library's cookie names the user and its expiry; its issue time is that expiry less
  `cookie_expiry_days`. It logs in only if issued after the user's sessions last ended
  (logout, deactivation, new password: `users.sessions_ended_at`). A live session holds the
  user's session generation and ends when it changes.
"""

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core.accounts import login
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError, SessionEnded
from core.domain.identity import Actor
from pages._shared import context, state

LOGIN_SLEEP_SECONDS = 0.7  # the library's pause in its login(), which LeadOps never calls; tests lower it
FORM_KEY = "leadops_login"


def is_logged_in() -> bool:
    return bool(st.session_state.get(state.AUTH_STATUS))


def forget_login() -> None:
    for key in (state.AUTH_STATUS, state.USERNAME, state.ROLES, state.SESSION_GENERATION,
                "name", "email"):
        st.session_state[key] = None


class Login:
    """streamlit-authenticator for one run. Build it once per run: its cookie component (key
    "init") may be rendered only once."""

    def __init__(self) -> None:
        settings = context.settings()
        self._expiry_days = settings.cookie_expiry_days
        # Empty: the library is handed a user only when one logs in or a cookie names one. It
        # keeps this very dict (it writes its failure counts back into it), so entries added
        # later are the ones it checks.
        self._credentials: dict[str, Any] = {"usernames": {}}
        self.authenticator = stauth.Authenticate(
            self._credentials, cookie_name=settings.cookie_name, cookie_key=settings.cookie_key,
            cookie_expiry_days=self._expiry_days, auto_hash=False,
            login_sleep_time=LOGIN_SLEEP_SECONDS,
        )

    def _hand_over(self, username: str, name: str, role: str, password_hash: str | None = None) -> None:
        user: dict[str, Any] = {"name": name, "email": None, "roles": [role] if role else []}
        if password_hash is not None:
            user["password"] = password_hash
        self._credentials["usernames"][username] = user

    # --- who is logged in -------------------------------------------------------------------

    def logged_in_actor(self) -> Actor | None:
        """The user of this session, or of the browser's login cookie; None when logged out (and
        when the session ended on another device: the login form then says so)."""
        if is_logged_in():
            try:
                return context.session_actor()
            except SessionEnded as ended:
                forget_login()
                st.session_state[state.LOGIN_NOTE] = ended.message
                return None
        return self._actor_from_cookie()

    def _actor_from_cookie(self) -> Actor | None:
        # The library's cookie if signed with our key and not expired; None, or False in a
        # session that has just logged out.
        token = self.authenticator.cookie_controller.get_cookie()
        session = self._cookie_session(token) if token else None
        if session is None:
            # Nothing to restore: the library's login() is not called, as it pauses
            # (login_sleep_time) on every logged-out run, and a form submitted while it pauses
            # is lost (the cookie manager's report of the cookies replaces the submit's run).
            return None
        self._hand_over(session.actor.username, session.actor.name, session.actor.role.value)
        # Noted first: a rerun may cut this run short during the library's pause.
        st.session_state[state.SESSION_GENERATION] = session.generation
        try:
            # The library's own restore from its cookie (its user was handed over just now),
            # without its login(): that pauses (login_sleep_time) before the page is chosen,
            # and a rerun the cookie manager asks for meanwhile lands on the first page.
            self.authenticator.authentication_controller.login(token=token)
        except LoginError:
            pass
        if not is_logged_in():
            forget_login()
            return None
        return session.actor

    def _cookie_session(self, token: dict[str, Any]) -> login.LoginSession | None:
        try:
            issued = float(token["exp_date"]) - timedelta(days=self._expiry_days).total_seconds()
            issued_at = datetime.fromtimestamp(issued, UTC).replace(tzinfo=None)
            return login.cookie_session(context.reader(), str(token["username"]), issued_at=issued_at)
        except (KeyError, TypeError, ValueError, SessionEnded):
            return None  # not a cookie of ours, or its user's sessions ended since

    # --- the login form ---------------------------------------------------------------------

    def render_login_page(self) -> None:
        st.title("LeadOps")
        st.caption("Lead assignment for the call center. Log in with your LeadOps account.")
        note = st.session_state.pop(state.LOGIN_NOTE, None)
        if note:
            st.info(note, icon=":material/logout:")
        with st.form(FORM_KEY):
            st.subheader("Login")
            username = st.text_input("Username", autocomplete="username")
            password = st.text_input("Password", type="password", autocomplete="current-password")
            submitted = st.form_submit_button("Login")
        if submitted:
            self._log_in(username, password)

    def _log_in(self, username: str, password: str) -> None:
        missing = login.missing_login_fields(username, password)
        if missing:
            st.error(missing, icon=":material/lock:")
            return
        try:
            entry = login.login_entry(context.reader(), username)
            self._hand_over(entry.username, entry.name, entry.role, entry.password_hash)
            accepted = self.authenticator.authentication_controller.login(
                entry.username, password,
                callback=partial(self._on_password_accepted, entry.password_hash))
            if not accepted:
                login.record_failed_login(context.writer(), entry.username, utcnow())
        except (LeadOpsError, LoginError) as exc:  # a refusal, or the database gone
            forget_login()
            st.error(getattr(exc, "message", str(exc)), icon=":material/lock:")
            return
        if not accepted:
            forget_login()
            st.error(login.LOGIN_REFUSED, icon=":material/lock:")
            return
        self.authenticator.cookie_controller.set_cookie()
        # No st.rerun() here: it would drop the cookie component before the browser sets the
        # cookie (then a reload logs out). Setting the cookie reruns the app by itself.
        st.success("Logged in. Opening your dashboard…", icon=":material/check_circle:")

    @staticmethod
    def _on_password_accepted(checked_hash: str, event: dict[str, Any]) -> None:
        # The library has set the session state already; raising here (a locked or deactivated
        # account) stops it before the cookie is set, and _log_in forgets the login.
        session = login.record_successful_login(context.writer(), event["username"],
                                                checked_hash=checked_hash, now=utcnow())
        st.session_state[state.SESSION_GENERATION] = session.generation

    # --- logging out ------------------------------------------------------------------------

    def logout_button(self) -> None:
        """The sidebar's logout: ends the user's sessions on every device, then the library
        clears this session and deletes the cookie."""
        self.authenticator.logout("Log out", location="sidebar", key="leadops_logout",
                                  callback=self._on_logout)

    @staticmethod
    def _on_logout(event: dict[str, Any]) -> None:
        generation = st.session_state.get(state.SESSION_GENERATION)
        try:
            if event.get("username") and generation is not None:
                login.log_out(context.writer(), event["username"], generation)
        except LeadOpsError as exc:
            st.session_state[state.LOGIN_NOTE] = (
                f"Logged out here, but other devices could not be logged out: {exc.message}")
        st.session_state[state.SESSION_GENERATION] = None
