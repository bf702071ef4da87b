"""The audit key travels with the engine: entry points attach it once (from settings), and
every unit of work on that engine keys its audit rows with it. Storage never reads settings."""

from sqlalchemy import Connection, Engine

from core.domain.audit_chain import AuditKey
from core.domain.errors import ConfigurationError

OPTION = "leadops_audit_key"  # an execution option: kept by engines derived from this one


def with_audit_key(engine: Engine, key: AuditKey) -> Engine:
    return engine.execution_options(**{OPTION: key})


def audit_key_of(bind: Engine | Connection) -> AuditKey:
    key = bind.get_execution_options().get(OPTION)
    if not isinstance(key, AuditKey):
        raise ConfigurationError(
            "No audit key was given for this database: set LEADOPS_AUDIT_KEY in the environment "
            "or in .streamlit/secrets.toml (README, 'Pointing it at MySQL or MariaDB').")
    return key
