"""Login, logout and the re-login cookie. The rules (lockout, one answer for every failure,
sessions that end everywhere) are core's (core/accounts/login.py); this is the form and the
session state.

Nothing here reads users until it needs one: a logged-in run reads the session's user, a
login reads the one user whose name was typed, a cookie the one user it names.
"""

import streamlit as st

from core.accounts import login
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError, SessionEnded
from core.domain.identity import Actor
from pages._shared import context, login_cookie, state
from pages._shared.login_cookie import CookieClaims, CookieJar


def is_logged_in() -> bool:
    return bool(st.session_state.get(state.AUTH_STATUS))


def _remember(actor: Actor, generation: int) -> None:
    st.session_state[state.AUTH_STATUS] = True
    st.session_state[state.USERNAME] = actor.username
    st.session_state[state.ROLES] = [actor.role.value]
    st.session_state[state.SESSION_GENERATION] = generation


def forget_login() -> None:
    for key in (state.AUTH_STATUS, state.USERNAME, state.ROLES, state.SESSION_GENERATION):
        st.session_state[key] = None


def logged_in_actor() -> Actor | None:
    """The user of this session, or of the browser's login cookie; None when logged out (and
    when the session ended on another device: the login form then says so)."""
    if is_logged_in():
        try:
            return context.session_actor()
        except SessionEnded as ended:
            forget_login()
            st.session_state[state.LOGIN_NOTE] = ended.message
            return None
    return _actor_from_cookie()


def _actor_from_cookie() -> Actor | None:
    settings = context.settings()
    claims = login_cookie.decode(login_cookie.browser_token(settings.cookie_name),
                                 key=settings.cookie_key)
    if claims is None:
        return None
    try:
        actor = login.session_user(context.reader(), claims.username, claims.generation)
    except SessionEnded:
        return None  # logged out since (on any device), or deactivated
    _remember(actor, claims.generation)
    return actor


def render_login_page(cookies: CookieJar) -> None:
    st.title("LeadOps")
    st.caption("Lead assignment for the call center. Log in with your LeadOps account.")
    note = st.session_state.pop(state.LOGIN_NOTE, None)
    if note:
        st.info(note, icon=":material/logout:")
    with st.form("leadops_login"):
        st.subheader("Login")
        username = st.text_input("Username", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Login")
    if not submitted:
        return
    try:
        session = login.log_in(context.writer, username=username, password=password, now=utcnow())
    except LeadOpsError as exc:  # a refusal, what is missing, or the database gone
        st.error(exc.message, icon=":material/lock:")
        return
    _remember(session.actor, session.generation)
    settings = context.settings()
    cookies.set(settings.cookie_name,
                login_cookie.encode(CookieClaims(session.actor.username, session.generation),
                                    key=settings.cookie_key, days=settings.cookie_expiry_days),
                days=settings.cookie_expiry_days)
    # No st.rerun() here: it would drop the cookie component before the browser sets the
    # cookie (then a reload logs out). Setting the cookie reruns the app by itself.
    st.success("Logged in. Opening your dashboard…", icon=":material/check_circle:")


def log_out(cookies: CookieJar) -> None:
    """End this user's sessions on every device, then this one's state and cookie."""
    username = st.session_state.get(state.USERNAME)
    generation = st.session_state.get(state.SESSION_GENERATION)
    try:
        if username and generation is not None:
            login.log_out(context.writer(), username, generation)
    except LeadOpsError as exc:
        st.session_state[state.LOGIN_NOTE] = (
            f"Logged out here, but other devices could not be logged out: {exc.message}")
    forget_login()
    cookies.delete(context.settings().cookie_name)
