"""SQLite's query plan for the statement a repository method runs: on a fresh migrated file
database with no statistics, as an embedded LeadOps starts."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, event

from db.engine import create_database_engine
from db.migrate import upgrade


def plan_of_first(tmp_path: Path, read: Callable[[Connection], object], marker: str) -> str:
    """EXPLAIN QUERY PLAN of the first statement `read` runs that contains `marker`."""
    sqlite = create_database_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(sqlite)
    seen: list[tuple[str, object]] = []
    event.listen(sqlite, "before_cursor_execute",
                 lambda conn, cursor, statement, params, *rest: seen.append((statement, params)))
    try:
        with sqlite.connect() as connection:
            read(connection)
            statement, params = next((s, p) for s, p in seen if marker in s)
            explained = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            return " ".join(row[-1] for row in explained)
    finally:
        sqlite.dispose()
