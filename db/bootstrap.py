"""Open the configured database, ready for the app: reachable, migrated, the demo seeded where asked."""

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from core.domain.errors import DatabaseUnavailable
from db.demo import seed_demo
from db.engine import check_connection, create_database_engine, explain_connection_error
from db.migrate import is_up_to_date, upgrade
from db.models import Tenant


def open_database(database_url: str, *, demo_if_empty: bool = False) -> Engine:
    """An engine for a reachable, migrated database; `demo_if_empty` fills an empty one with
    the demo (the app asks for it only for its default SQLite file)."""
    engine = create_database_engine(database_url)
    check_connection(engine)
    try:
        if engine.dialect.name == "sqlite":
            upgrade(engine)  # embedded database: this process is its only operator
        elif not is_up_to_date(engine):
            raise DatabaseUnavailable(
                "The database schema is not up to date. Run `python cli.py init-db` "
                "against this DATABASE_URL, then reload."
            )
        if demo_if_empty and _is_empty(engine):
            seed_demo(engine)
    except DBAPIError as exc:
        raise explain_connection_error(exc, database_url) from exc
    return engine


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        return not connection.scalar(select(func.count()).select_from(Tenant))
