"""Apply and inspect Alembic migrations programmatically (no alembic.ini needed)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _migrating(engine) as config:
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _migrating(engine) as config:
        command.downgrade(config, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Config]:
    """One transaction for the migrations. On SQLite, foreign keys are off meanwhile, as its
    procedure for altering a table by copy requires (a referenced table cannot be dropped and
    renamed otherwise), and checked before commit."""
    config = _config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a pragma that only works outside a transaction: past SQLAlchemy's autobegin
            _driver_execute(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                yield config
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"The migration would break foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                _driver_execute(connection, "PRAGMA foreign_keys=ON")


def _driver_execute(connection: Connection, statement: str) -> None:
    """Straight to sqlite3, outside SQLAlchemy's transaction handling."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("The database connection is closed.")
    driver.execute(statement)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
