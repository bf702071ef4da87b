"""The two database backends every database test runs on: a SQLite file and MariaDB/MySQL."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from core.domain.audit_chain import AuditKey
from db.audit_key import with_audit_key
from db.engine import create_database_engine
from db.migrate import upgrade
from db.models import Base
from tests.support.mariadb_server import ThrowawayMariaDB, find_server_binary

# Every test database's audit trail is keyed with this; tests/conftest.py puts it in the
# environment too, so the app and cli.py that tests start use the same key.
TEST_AUDIT_SECRET = "test-audit-key-of-at-least-32-characters"
TEST_AUDIT_KEY = AuditKey(TEST_AUDIT_SECRET.encode())


def keyed_engine(url: str) -> Engine:
    return with_audit_key(create_database_engine(url), TEST_AUDIT_KEY)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


class MySQLBackend:
    """One server per test session, migrated once; each test starts from empty tables."""

    def __init__(self) -> None:
        self._server: ThrowawayMariaDB | None = None
        self._url: str | None = None
        self._engine: Engine | None = None
        self.unavailable: str | None = None

    def url(self) -> str:
        if self._url is None and self.unavailable is None:
            self._start()
        if self.unavailable:
            if in_ci():
                pytest.fail(f"MySQL backend unavailable under CI=true: {self.unavailable}")
            pytest.skip(self.unavailable)
        return self._url

    def _start(self) -> None:
        if os.environ.get("TEST_MYSQL_URL"):
            self._url = os.environ["TEST_MYSQL_URL"]
        elif find_server_binary() is None:
            self.unavailable = ("no mariadbd/mysqld found (apt-get install mariadb-server, "
                                "or set TEST_MYSQL_URL)")
            return
        else:
            self._server = ThrowawayMariaDB()
            self._url = self._server.start()
        self._engine = keyed_engine(self._url)
        upgrade(self._engine)

    def fresh_engine(self) -> Engine:
        url = self.url()
        with self._engine.begin() as connection:
            connection.execute(text("SET FOREIGN_KEY_CHECKS=0"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(text(f"TRUNCATE TABLE {table.name}"))
            connection.execute(text("SET FOREIGN_KEY_CHECKS=1"))
        return keyed_engine(url)

    def empty_engine(self, database: str) -> Engine:
        """A new, empty database on the same server (for migration tests)."""
        url = self.url()
        with self._engine.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database}"))
            connection.execute(text(f"CREATE DATABASE {database}"))
        return keyed_engine(
            create_database_engine(url).url.set(database=database).render_as_string(hide_password=False))

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._server is not None:
            self._server.stop()


class SQLiteBackend:
    """A migrated template file, copied for each test: cheaper than migrating every time."""

    def __init__(self, workdir: Path) -> None:
        self._template = workdir / "template.db"
        engine = keyed_engine(f"sqlite:///{self._template}")
        upgrade(engine)
        engine.dispose()  # checkpoints the WAL into the file we copy

    def fresh_engine(self, directory: Path) -> Engine:
        target = directory / "leadops.db"
        shutil.copyfile(self._template, target)
        return keyed_engine(f"sqlite:///{target}")
