"""The login form, on its own, and what each role is offered after it."""

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditRow
from tests.ui.conftest import log_in, messages, new_app, offered_pages

# Pages that exist so far, per role (DESIGN.md §2). Grows with each page.
EXPECTED_PAGES = {
    "supervisor": {"Agent capacity", "Lead assignment", "Bulk operations", "Scoring leaderboard"},
    "manager": {"Agent capacity", "Scoring leaderboard", "Audit log"},
    "admin": {"Agent capacity", "Lead assignment", "Bulk operations", "Scoring leaderboard",
              "Scoring weights", "Audit log"},
}
PASSWORDS = {"supervisor": "demo-supervisor", "manager": "demo-manager", "admin": "demo-admin"}


def test_logged_out_visitor_sees_only_the_login_form(demo_url):
    at = new_app().run()
    assert not at.exception
    assert offered_pages(at) == {"Log in"}
    assert [b.label for b in at.button] == ["Login"]
    assert not any("test-cookie-key" in m.value for m in at.markdown)  # no echo of the key


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_role_is_offered_exactly_its_pages(demo_url, role):
    at = log_in(new_app().run(), role, PASSWORDS[role])
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert offered_pages(at) == EXPECTED_PAGES[role]
    assert f"Demo {role.title()}** · {role}" in " ".join(m.value for m in at.sidebar.markdown)


def test_wrong_password_is_refused_with_a_message(demo_url, engine):
    at = log_in(new_app().run(), "supervisor", "not-the-password")
    assert not at.exception
    assert "Username or password is incorrect." in messages(at)
    assert offered_pages(at) == {"Log in"}
    with Session(engine) as s:
        assert s.scalars(select(AuditRow.action).where(AuditRow.action.like("login.%"))).all() == [
            "login.failed"]


def test_fifth_failure_locks_the_account_even_for_the_right_password(demo_url):
    at = new_app().run()
    for _ in range(5):
        at = log_in(at, "manager", "wrong-password")
    assert "locked after 5 failed logins" in messages(at)
    at = log_in(at, "manager", PASSWORDS["manager"])
    assert "is locked" in messages(at)
    assert not at.session_state["authentication_status"]
    assert offered_pages(at) == {"Log in"}


def test_logout_returns_to_the_login_form(demo_url):
    at = log_in(new_app().run(), "admin", PASSWORDS["admin"])
    at.sidebar.button(key="leadops_logout").click()
    at.run()
    assert not at.exception
    assert offered_pages(at) == {"Log in"}


@pytest.mark.parametrize("page", ["pages/agent_capacity.py", "pages/lead_assignment.py",
                                  "pages/bulk_operations.py", "pages/scoring_leaderboard.py",
                                  "pages/scoring_weights.py", "pages/audit_log.py"])
def test_pages_refuse_a_visitor_who_is_not_logged_in(demo_url, page):
    """A page file run directly (as a fresh server may do) does not skip the login."""
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP

    at = AppTest.from_file(str(Path(APP).parent / page), default_timeout=30).run()
    assert not at.exception
    assert "You are not logged in" in messages(at)
    assert not at.dataframe and not at.metric


@pytest.mark.parametrize("url, message", [
    ("postgresql://u:p@localhost/db", "scheme 'postgresql' is not supported"),
    ("mysql+pymysql://u:secret@127.0.0.1:1/leadops", "Cannot reach the database server"),
])
def test_a_bad_database_url_is_one_clear_message(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("LEADOPS_COOKIE_KEY", "test-cookie-key-of-at-least-32-characters")
    at = new_app().run()
    assert not at.exception
    assert message in messages(at) and "secret" not in messages(at)
