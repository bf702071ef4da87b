"""The SQLAlchemy unit of work: one Session, one transaction, rolled back unless committed."""

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.domain.errors import TransientConflict
from core.ports import (
    ActivityRepository,
    AgentRepository,
    AssignmentRepository,
    AuditReader,
    AuditRepository,
    BulkRepository,
    LeadRepository,
    ScoringRepository,
    TenantRepository,
    UserRepository,
)
from db.engine import READ_ONLY
from db.queries.audit import SqlAuditReader
from db.repositories.agents import SqlAgentRepository
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.bulk import SqlBulkRepository
from db.repositories.history import SqlActivityRepository, SqlAssignmentRepository
from db.repositories.leads import SqlLeadRepository
from db.repositories.scoring import SqlScoringRepository
from db.repositories.tenants import SqlTenantRepository
from db.repositories.users import SqlUserRepository

# MySQL: deadlock found, lock wait timeout. Both mean "run the transaction again", as does a
# connection the server closed (the pool does not ping before use).
TRANSIENT_MYSQL_ERRORS = {1213, 1205}


def is_transient(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:  # the server dropped the connection; the pool made a new one
        return True
    code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None  # MySQL's number
    if code in TRANSIENT_MYSQL_ERRORS:
        return True
    return "database is locked" in str(exc.orig)  # SQLite, after its busy timeout


class SqlUnitOfWork:
    """core.ports.UnitOfWork over one SQLAlchemy Session (mypy checks each repository
    against its port here)."""

    users: UserRepository
    tenants: TenantRepository
    agents: AgentRepository
    leads: LeadRepository
    assignments: AssignmentRepository
    activities: ActivityRepository
    audit: AuditRepository
    audit_reader: AuditReader
    bulk: BulkRepository
    scoring: ScoringRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine

    def __enter__(self) -> Self:
        self.session = Session(self._bind, expire_on_commit=False)
        self.users = SqlUserRepository(self.session)
        self.tenants = SqlTenantRepository(self.session)
        self.agents = SqlAgentRepository(self.session)
        self.leads = SqlLeadRepository(self.session)
        self.assignments = SqlAssignmentRepository(self.session)
        self.activities = SqlActivityRepository(self.session)
        self.audit = SqlAuditRepository(self.session)
        self.scoring = SqlScoringRepository(self.session)
        self.bulk = SqlBulkRepository(self.session)
        self.audit_reader = SqlAuditReader(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.rollback()
        self.session.close()
        if isinstance(exc, DBAPIError) and is_transient(exc):
            raise TransientConflict(str(exc.orig)) from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
