"""The login form, on its own, and what each role is offered after it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditRow, User
from tests.ui.conftest import log_in, login_cookie, messages, new_app, offered_pages, send_cookie

# Pages that exist so far, per role (docs/design.md §2). Grows with each page.
EXPECTED_PAGES = {
    "supervisor": {"Agent capacity", "Lead assignment", "Bulk operations", "Scoring leaderboard"},
    "manager": {"Agent capacity", "Scoring leaderboard", "Audit log"},
    "admin": {"Agent capacity", "Lead assignment", "Bulk operations", "Scoring leaderboard",
              "Scoring weights", "Audit log", "Users", "Routing rules", "SLAs & hours"},
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


def test_fifth_failure_locks_the_account_even_for_the_right_password(demo_url, engine):
    at = new_app().run()
    for _ in range(5):
        at = log_in(at, "manager", "wrong-password")
    at = log_in(at, "manager", PASSWORDS["manager"])
    assert "Username or password is incorrect" in messages(at)
    assert not at.session_state["authentication_status"]
    assert offered_pages(at) == {"Log in"}
    with Session(engine) as s:
        assert s.scalars(select(AuditRow.action).where(AuditRow.action.like("login.%"))
                         .order_by(AuditRow.id)).all()[-2:] == ["login.locked", "login.refused_locked"]


def test_a_locked_account_and_an_unknown_name_get_the_same_answer(demo_url):
    """The answer must not tell an attacker which usernames exist."""
    at = new_app().run()
    for _ in range(5):
        at = log_in(at, "manager", "wrong-password")
    answers = {}
    for username, password in [("manager", "wrong-password"), ("manager", PASSWORDS["manager"]),
                               ("no.such.user", "wrong-password"), ("supervisor", "wrong-password")]:
        answers[username, password] = messages(log_in(at, username, password))
    assert len(set(answers.values())) == 1, answers
    assert "an admin can unlock it sooner on the Users page" in answers["manager", "wrong-password"]


def test_every_login_checks_one_bcrypt_hash_a_dummy_one_for_an_unknown_name(demo_url, engine,
                                                                            monkeypatch):
    """So an unknown name costs what a wrong password costs (the dummy has the production
    cost: tests/unit/accounts/test_login.py)."""
    import bcrypt

    from core.accounts.passwords import DUMMY_HASH

    checked = []
    real_check = bcrypt.checkpw

    def check(password, hashed):
        checked.append(hashed.decode())
        return real_check(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", check)
    at = log_in(new_app().run(), "no.such.user", "wrong-password")
    log_in(at, "supervisor", "wrong-password")
    with Session(engine) as s:
        supervisors_hash = s.scalar(select(User.password_hash).where(User.username == "supervisor"))
    assert checked == [DUMMY_HASH, supervisors_hash]


def test_the_form_and_a_login_do_not_wait_for_the_librarys_pause(demo_url, monkeypatch):
    """streamlit-authenticator's login() pauses (login_sleep_time) on every logged-out run; in
    a browser, a form submitted during that pause is lost to the cookie manager's rerun. It is
    called only to restore a session from a cookie, never on the way to the form."""
    import time

    monkeypatch.setattr("pages._shared.login.LOGIN_SLEEP_SECONDS", 20)
    started = time.monotonic()
    at = log_in(new_app().run(), "admin", PASSWORDS["admin"])
    assert at.session_state["authentication_status"] is True
    assert time.monotonic() - started < 15


def test_an_empty_login_form_says_what_is_missing(demo_url, engine):
    at = log_in(new_app().run(), "", "")
    assert not at.exception
    assert "Enter your username and password to log in." in messages(at)
    at = log_in(at, "admin", "")
    assert "Enter your password to log in." in messages(at)
    with Session(engine) as s:
        assert s.scalars(select(AuditRow.action).where(AuditRow.action.like("login.%"))).all() == []


def test_logout_returns_to_the_login_form(demo_url):
    at = log_in(new_app().run(), "admin", PASSWORDS["admin"])
    at.sidebar.button(key="leadops_logout").click()
    at.run()
    assert not at.exception
    assert offered_pages(at) == {"Log in"}


def test_logging_out_on_one_device_ends_the_session_on_the_others(demo_url):
    laptop = log_in(new_app().run(), "admin", PASSWORDS["admin"])
    phone = log_in(new_app().run(), "admin", PASSWORDS["admin"])
    laptop.sidebar.button(key="leadops_logout").click()
    laptop.run()
    phone.run()
    assert not phone.exception
    assert offered_pages(phone) == {"Log in"}
    assert "Your session has ended" in messages(phone)


def test_the_login_cookie_logs_in_until_the_user_logs_out(demo_url, monkeypatch):
    """A reload or a new tab logs in from streamlit-authenticator's cookie; after a logout
    anywhere a cookie issued before it no longer does (a browser keeps it for a day, so
    deleting it from one browser is not enough), while a cookie from a later login does."""
    issued_before = datetime.now(UTC) - timedelta(hours=1)
    send_cookie(monkeypatch, login_cookie("admin", issued_before))
    reloaded = new_app().run()
    assert not reloaded.exception and "Scoring weights" in offered_pages(reloaded)
    assert reloaded.session_state["username"] == "admin"
    reloaded.sidebar.button(key="leadops_logout").click()
    reloaded.run()
    again = new_app().run()  # the same cookie, sent by another browser
    assert not again.exception
    assert offered_pages(again) == {"Log in"} and not again.session_state["authentication_status"]
    send_cookie(monkeypatch, login_cookie("admin", datetime.now(UTC)))  # a login since the logout
    assert "Scoring weights" in offered_pages(new_app().run())


def test_a_forged_or_expired_login_cookie_logs_no_one_in(demo_url, monkeypatch):
    send_cookie(monkeypatch, login_cookie("admin", datetime.now(UTC), key="x" * 40))
    assert offered_pages(new_app().run()) == {"Log in"}
    send_cookie(monkeypatch, login_cookie("admin", datetime.now(UTC) - timedelta(days=2)))
    assert offered_pages(new_app().run()) == {"Log in"}


def test_a_new_password_ends_the_login_cookie_and_the_open_session(demo_url, engine, monkeypatch):
    from core.accounts import user_admin
    from core.domain.identity import Actor
    from db.unit_of_work import SqlUnitOfWork

    send_cookie(monkeypatch, login_cookie("supervisor", datetime.now(UTC) - timedelta(minutes=5)))
    open_session = new_app().run()
    assert "Lead assignment" in offered_pages(open_session)
    user_admin.set_password(SqlUnitOfWork(engine), Actor.operator(tenant_id=1), username="supervisor",
                            password="a-new-secret", hash_rounds=4)
    open_session.run()
    assert offered_pages(open_session) == {"Log in"} and "Your session has ended" in messages(open_session)
    assert offered_pages(new_app().run()) == {"Log in"}  # the cookie, in a new tab


def test_deactivating_a_user_ends_their_open_session(demo_url, engine):
    from core.accounts import user_admin
    from core.domain.identity import Actor
    from db.unit_of_work import SqlUnitOfWork

    supervisor = log_in(new_app().run(), "supervisor", PASSWORDS["supervisor"])
    user_admin.set_active(SqlUnitOfWork(engine), Actor.operator(tenant_id=1), username="supervisor",
                          active=False)
    supervisor.run()
    assert not supervisor.exception
    assert offered_pages(supervisor) == {"Log in"}


def test_a_run_reads_no_password_hash_but_the_one_typed_at_login(demo_url):
    """The login used to read every user of every tenant, with hashes, on every run."""
    from sqlalchemy import Engine, event

    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", remember)
    try:
        at = new_app().run()
        assert not [s for s in statements if "password_hash" in s]
        log_in(at, "admin", PASSWORDS["admin"])
        reading_hashes = [s for s in statements if "password_hash" in s]
        assert reading_hashes and all("WHERE users.username =" in s for s in reading_hashes)
        statements.clear()
        at.run()  # a logged-in run
        assert not [s for s in statements if "password_hash" in s]
    finally:
        event.remove(Engine, "before_cursor_execute", remember)


@pytest.mark.parametrize("page", ["pages/agent_capacity.py", "pages/lead_assignment.py",
                                  "pages/bulk_operations.py", "pages/scoring_leaderboard.py",
                                  "pages/scoring_weights.py", "pages/audit_log.py",
                                  "pages/users.py"])
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
