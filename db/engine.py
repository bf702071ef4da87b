"""Engine creation for SQLite (WAL, write lock up front) and MySQL/MariaDB (PyMySQL)."""

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from core.domain.errors import ConfigurationError, ConnectionLost, DatabaseUnavailable
from db.failures import error_code, transient_failure

SUPPORTED = "sqlite:///path/to/file.db or mysql+pymysql://user:password@host:3306/database"
SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "leadops_read_only"  # execution option: a plain deferred BEGIN on SQLite


def create_database_engine(url: str) -> Engine:
    """Build an engine for a supported URL; raises ConfigurationError for anything else."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"DATABASE_URL is not a valid URL. Use {SUPPORTED}.") from exc
    if parsed.drivername == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.drivername in ("mysql+pymysql", "mariadb+pymysql"):
        return _mysql_engine(parsed)
    raise ConfigurationError(
        f"DATABASE_URL scheme {parsed.drivername!r} is not supported. Use {SUPPORTED}."
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise ConfigurationError("DATABASE_URL must name a SQLite file, e.g. sqlite:///data/leadops.db.")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock up front so two writers never deadlock on upgrade.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _mysql_engine(parsed: URL) -> Engine:
    try:
        query = dict(parsed.query)
        query.setdefault("charset", "utf8mb4")
        return create_engine(
            parsed.set(drivername="mysql+pymysql", query=query),
            isolation_level="READ COMMITTED",
            # No ping per checkout and no second ROLLBACK per checkin: a transaction is one to
            # three statements, so each saved round trip is felt. Every unit of work and connection
            # ends its transaction itself, and a connection the server dropped is discarded by
            # the pool on first use and the use case retried (db/failures.py, core/retry.py).
            pool_pre_ping=False,
            pool_reset_on_return=None,
            pool_recycle=1800,
            pool_size=10,
            max_overflow=20,
        )
    except NoSuchModuleError as exc:
        raise ConfigurationError("PyMySQL is not installed: pip install -r requirements.txt") from exc


# MySQL client error codes worth a sentence of their own.
_MYSQL_HINTS = {
    1045: "The database refused the user name or password. Check them in DATABASE_URL.",
    1044: "The database user may not use this database. Grant it access or pick another database.",
    1049: "The database named in DATABASE_URL does not exist. Create it, then run `python cli.py init-db`.",
    2003: "Cannot reach the database server. Check that it is running and that host and port "
          "in DATABASE_URL are right.",
    2005: "The database host name cannot be resolved. Check the host in DATABASE_URL.",
}
_LOST = ("The connection to the database server was lost. Check that the server is running, "
         "then run the command again.")


def explain_connection_error(exc: DBAPIError, url: str) -> DatabaseUnavailable:
    """One sentence naming what to check: the project's own words, never the driver's text
    (which can be long, technical, or in another language)."""
    where = make_url(url).render_as_string(hide_password=True)
    code = error_code(exc)
    hint = _MYSQL_HINTS.get(code) if code is not None else None
    if hint is None and isinstance(transient_failure(exc), ConnectionLost):
        hint = _LOST
    if hint is None:
        number = f" (error {code})" if code is not None else ""
        hint = (f"The database refused the request{number}. Check DATABASE_URL and the server's "
                "log.")
    return DatabaseUnavailable(f"{hint} (DATABASE_URL: {where})")


def check_connection(engine: Engine) -> None:
    """Fail early with a sentence a person can act on, not a driver traceback."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise explain_connection_error(exc, engine.url.render_as_string(hide_password=False)) from exc
