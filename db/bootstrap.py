"""Open the configured database, ready for the app: reachable, migrated, sealed, the demo
seeded where asked."""

from sqlalchemy import Engine, exists, func, select
from sqlalchemy.exc import DBAPIError

from core.domain.audit_chain import AuditKey
from core.domain.errors import DatabaseUnavailable
from db.audit_key import with_audit_key
from db.audit_seal import SealReport, seal_heads
from db.demo import seed_demo
from db.engine import check_connection, create_database_engine, explain_connection_error
from db.migrate import is_up_to_date, upgrade
from db.models import AuditHead, Tenant

NOT_READY = ("The database schema is not up to date. Run `python cli.py init-db` against this "
             "DATABASE_URL, then reload.")


def prepare_schema(engine: Engine) -> SealReport:
    """What `cli.py init-db` does: apply the migrations, then seal the audit chain heads they
    made, with the engine's audit key."""
    upgrade(engine)
    return seal_heads(engine)


def open_database(database_url: str, *, audit_key: AuditKey, demo_if_empty: bool = False) -> Engine:
    """An engine (carrying the audit key) for a reachable, migrated database; `demo_if_empty`
    fills an empty one with the demo (the app asks for it only for its default SQLite file)."""
    engine = with_audit_key(create_database_engine(database_url), audit_key)
    check_connection(engine)
    try:
        if engine.dialect.name == "sqlite":
            prepare_schema(engine)  # embedded database: this process is its only operator
        elif not is_up_to_date(engine) or _has_unsealed_heads(engine):
            raise DatabaseUnavailable(NOT_READY)
        if demo_if_empty and _is_empty(engine):
            seed_demo(engine)
    except DBAPIError as exc:
        raise explain_connection_error(exc, database_url) from exc
    return engine


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        return not connection.scalar(select(func.count()).select_from(Tenant))


def _has_unsealed_heads(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.scalar(select(exists().where(AuditHead.head_mac.is_(None)))))
