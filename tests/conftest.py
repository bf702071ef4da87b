"""Shared fixtures. `engine` runs a test once per backend, with ids `sqlite` and `mysql`."""

import pytest

from tests.backends import TEST_AUDIT_SECRET, MySQLBackend, SQLiteBackend, keyed_engine


@pytest.fixture(scope="session", autouse=True)
def audit_key_in_the_environment():
    """The app and cli.py that tests start key their audit rows as the test databases do."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LEADOPS_AUDIT_KEY", TEST_AUDIT_SECRET)
        yield


@pytest.fixture(scope="session")
def mysql_backend():
    backend = MySQLBackend()
    yield backend
    backend.stop()


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory):
    return SQLiteBackend(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=["sqlite", "mysql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = request.getfixturevalue("sqlite_backend").fresh_engine(tmp_path)
    else:
        engine = request.getfixturevalue("mysql_backend").fresh_engine()
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "mysql"])
def unmigrated_engine(request, tmp_path):
    """An empty database with no schema at all, on each backend."""
    if request.param == "sqlite":
        engine = keyed_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        engine = request.getfixturevalue("mysql_backend").empty_engine("leadops_unmigrated")
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(engine):
    """The URL of the per-test database, for code that opens its own engine (app, CLI)."""
    return engine.url.render_as_string(hide_password=False)
