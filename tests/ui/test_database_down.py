"""The database goes away under a running app, then comes back: every page, the login included,
says so in one sentence instead of an error page, and the next run after it returns works."""

import pytest

from db.demo import seed_demo
from db.migrate import upgrade
from tests.backends import in_ci, keyed_engine
from tests.support.mariadb_server import ThrowawayMariaDB, find_server_binary
from tests.ui.conftest import log_in, logged_in_app, messages, new_app

UNREACHABLE = "The database cannot be reached"


def login_fields(at) -> list[str]:
    return [w.label for w in at.text_input][:2]


@pytest.fixture
def server(monkeypatch):
    if find_server_binary() is None:
        if in_ci():
            pytest.fail("no mariadbd under CI=true")
        pytest.skip("no mariadbd/mysqld found (apt-get install mariadb-server)")
    server = ThrowawayMariaDB(database="leadops_down")
    server.start()
    engine = keyed_engine(server.url)
    upgrade(engine)
    seed_demo(engine, leads=60, agents=6, password_rounds=4, second_tenant=False)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", server.url)
    monkeypatch.setenv("LEADOPS_COOKIE_KEY", "test-cookie-key-of-at-least-32-characters")
    monkeypatch.setattr("pages._shared.login.LOGIN_SLEEP_SECONDS", 0)
    yield server
    server.stop()


def test_a_page_in_use_says_the_database_is_away_then_works_again(server):
    at = logged_in_app("supervisor", "supervisor")
    assert not at.exception and [t.value for t in at.title] == ["Agent capacity"]
    server.kill()
    at.run()
    assert not at.exception and UNREACHABLE in messages(at)
    server.start_again()
    at.run()
    assert not at.exception and not at.error and [t.value for t in at.title] == ["Agent capacity"]


def test_the_login_says_the_database_is_away(server):
    at = new_app().run()
    assert not at.exception and login_fields(at) == ["Username", "Password"]
    server.kill()
    # The form reads no user until one logs in, so the login is where it shows.
    at = log_in(new_app().run(), "supervisor", "demo-supervisor")
    assert not at.exception and UNREACHABLE in messages(at)
    assert login_fields(at) == ["Username", "Password"]
    server.start_again()
    at = log_in(new_app().run(), "supervisor", "demo-supervisor")
    assert not at.exception and not at.error and at.session_state["authentication_status"]
