"""A link or a reload opens the page asked for (issue 21, item 2).

A reload or a link starts a new session, which runs logged out until the login cookie is
read: the URL must still name the page after the login, and a page the role may not open
must say so. (The browser tests repeat this with a real reload: tests/e2e.)
"""

from streamlit.util import calc_hash

from tests.ui.conftest import log_in, messages, new_app, offered_pages
from tests.ui.test_login import EXPECTED_PAGES, PASSWORDS


def at_url(path: str):
    """A new session opened at `/path`, as a browser's address bar does. (AppTest has no public
    way to open a URL; Streamlit identifies a page by the hash of its URL path.)"""
    at = new_app()
    at._page_hash = calc_hash(path)
    at.run()
    at._page_hash = ""  # later runs ask for the page this one ran, as the browser does
    return at


def titles(at) -> list[str]:
    return [t.value for t in at.title]


def test_a_link_answers_with_the_login_form_then_opens_its_page(demo_url):
    at = at_url("lead_assignment")
    assert not at.exception and [b.label for b in at.button] == ["Login"]
    assert offered_pages(at) == {"Log in"}
    log_in(at, "supervisor", PASSWORDS["supervisor"])
    assert not at.exception and titles(at) == ["Lead assignment"]
    assert offered_pages(at) == EXPECTED_PAGES["supervisor"]


def test_a_link_to_a_page_the_role_may_not_open_says_so(demo_url):
    at = log_in(at_url("lead_assignment"), "manager", PASSWORDS["manager"])
    assert not at.exception and titles(at) == ["Lead assignment"]
    assert "Lead assignment is not open to managers" in messages(at)
    assert not at.dataframe and not at.selectbox  # nothing of the page itself
    assert offered_pages(at) == EXPECTED_PAGES["manager"]
