"""AppTest fixtures: a small seeded demo on each backend, and a helper to log in."""

from datetime import datetime, timedelta
from pathlib import Path

import jwt
import pytest
from streamlit.testing.v1 import AppTest

from db.demo import seed_demo
from settings import Settings
from tests.ui.rendering import as_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
COOKIE_KEY = "test-cookie-key-of-at-least-32-characters"


@pytest.fixture
def demo_url(engine, database_url, monkeypatch):
    seed_demo(engine, leads=200, agents=12, password_rounds=4)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LEADOPS_COOKIE_KEY", COOKIE_KEY)
    monkeypatch.setattr("pages._shared.login.LOGIN_SLEEP_SECONDS", 0)  # the library's pause
    return database_url


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30)


def logged_in_app(username: str, role: str) -> AppTest:
    """Pages are tested with a seeded session, as the cookie component does not render here:
    streamlit-authenticator's keys, and the session generation the login would have noted."""
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["roles"] = [role]
    at.session_state["leadops_session_generation"] = 0  # the demo's users start at generation 0
    return at.run()


def login_cookie(username: str, issued_at: datetime, *, key: str = COOKIE_KEY,
                 days: float = Settings.cookie_expiry_days) -> str:
    """streamlit-authenticator's login cookie: a JWT of the username and the expiry (its
    CookieModel._token_encode), here for a login at `issued_at`."""
    expires = issued_at + timedelta(days=days)
    return jwt.encode({"username": username, "exp_date": expires.timestamp()}, key, algorithm="HS256")


def send_cookie(monkeypatch, token: str) -> None:
    """The browser sends the login cookie with its requests (AppTest sends no cookies)."""
    from streamlit.runtime.context import ContextProxy

    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: {Settings.cookie_name: token}))


def log_in(at: AppTest, username: str, password: str) -> AppTest:
    inputs = [w for w in at.text_input if w.form_id == "leadops_login"]
    inputs[0].input(username)
    inputs[1].input(password)
    at.button(key="FormSubmitter:leadops_login-Login").click()
    at.run()
    if at.session_state["authentication_status"]:
        # In a browser, the cookie component reruns the app once it has set the login cookie;
        # AppTest does not render that component, so rerun by hand.
        at.run()
    return at


def offered_pages(at: AppTest) -> set[str]:
    """The pages the navigation offers: the page files. The functions registered beside them
    are hidden stand-ins that keep every page's URL answering (a refusal for a page the role
    may not open); logged out, there are only those: the login form at every URL."""
    pages = at._registered_pages.values()
    return {info["page_name"] for info in pages if info["script_path"]} or {
        info["page_name"] for info in pages}


def messages(at: AppTest) -> str:
    """The alerts' text as a person reads it (their bodies are Markdown, user text escaped)."""
    return " ".join(as_text(str(e.value)) for e in [*at.error, *at.warning, *at.info, *at.success])


@pytest.fixture(autouse=True)
def navigation_as_in_a_running_server(monkeypatch):
    """AppTest re-detects the `pages/` folder before every run and then runs the last page's
    file without app.py; a running server stops doing that once app.py has called
    st.navigation. Model the running server, so each run goes through app.py's login gate.
    (A page run on its own is covered by test_pages_refuse_a_visitor_who_is_not_logged_in.)"""
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init_then_use_navigation(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_then_use_navigation)


def table_with(at: AppTest, *columns: str):
    """The first table showing all these columns (AppTest cannot look tables up by key)."""
    for frame in at.dataframe:
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")


def page_run_directly(page: str, username: str) -> AppTest:
    """A page file run without app.py (a forged request), as a logged-in user."""
    at = AppTest.from_file(str(Path(APP).parent / page), default_timeout=30)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["leadops_session_generation"] = 0
    return at.run()
