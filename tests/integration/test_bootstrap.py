"""Opening the configured database: clear refusals, demo only where it belongs."""

import pytest
from sqlalchemy import func, select, text

from core.domain.errors import ConfigurationError, DatabaseUnavailable
from db import bootstrap
from db.bootstrap import open_database
from db.engine import create_database_engine
from db.models import Tenant
from settings import Settings
from tests.backends import TEST_AUDIT_KEY


def test_unknown_scheme_is_refused_with_the_supported_forms():
    with pytest.raises(ConfigurationError, match="scheme 'postgresql' is not supported.*mysql\\+pymysql"):
        create_database_engine("postgresql://u:p@localhost/db")


def test_unreachable_server_is_explained():
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database server") as info:
        open_database("mysql+pymysql://u:secret@127.0.0.1:1/leadops", audit_key=TEST_AUDIT_KEY)
    assert "secret" not in info.value.message


def test_wrong_mysql_password_is_explained(mysql_backend):
    url = create_database_engine(mysql_backend.url()).url.set(username="nobody", password="bad")
    with pytest.raises(DatabaseUnavailable, match="refused the user name or password"):
        open_database(url.render_as_string(hide_password=False), audit_key=TEST_AUDIT_KEY)


def test_unmigrated_mysql_database_asks_for_init_db(mysql_backend):
    engine = create_database_engine(mysql_backend.url())
    with engine.begin() as c:
        c.execute(text("DROP DATABASE IF EXISTS leadops_empty"))
        c.execute(text("CREATE DATABASE leadops_empty"))
    url = engine.url.set(database="leadops_empty").render_as_string(hide_password=False)
    with pytest.raises(DatabaseUnavailable, match="cli.py init-db"):
        open_database(url, audit_key=TEST_AUDIT_KEY)


def test_only_the_default_sqlite_database_gets_the_demo(tmp_path, monkeypatch):
    other = Settings(f"sqlite:///{tmp_path / 'other.db'}")
    engine = open_database(other.database_url, demo_if_empty=other.is_default_demo,
                           audit_key=TEST_AUDIT_KEY)
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(Tenant)) == 0

    default_url = f"sqlite:///{tmp_path / 'data' / 'leadops.db'}"
    monkeypatch.setattr("settings.default_database_url", lambda: default_url)
    seeded = []
    monkeypatch.setattr(bootstrap, "seed_demo", lambda e: seeded.append(e))
    default = Settings(default_url)
    open_database(default.database_url, demo_if_empty=default.is_default_demo,
                  audit_key=TEST_AUDIT_KEY)
    assert len(seeded) == 1
