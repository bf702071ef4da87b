"""The SQLAlchemy unit of work: one connection, one transaction, rolled back unless committed."""

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from core.ports import (
    ActivityRepository,
    AgentRepository,
    AssignmentRepository,
    AuditReader,
    AuditRepository,
    BulkRepository,
    ExportReader,
    LeadRepository,
    PointsRepository,
    RoutingRepository,
    SavedSearchRepository,
    ScoringRepository,
    SlaRepository,
    TenantRepository,
    UserRepository,
)
from db.engine import READ_ONLY
from db.failures import transient_failure
from db.queries.audit import SqlAuditReader
from db.queries.exports import SqlExportReader
from db.repositories.agents import SqlAgentRepository
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.bulk import SqlBulkRepository
from db.repositories.history import SqlActivityRepository, SqlAssignmentRepository
from db.repositories.leads import SqlLeadRepository
from db.repositories.points import SqlPointsRepository
from db.repositories.routing import SqlRoutingRepository
from db.repositories.saved_searches import SqlSavedSearchRepository
from db.repositories.scoring import SqlScoringRepository
from db.repositories.sla import SqlSlaRepository
from db.repositories.tenants import SqlTenantRepository
from db.repositories.users import SqlUserRepository

# A long job's lanes on MySQL/MariaDB (core/bulk/lanes.py): two, so that one lane's Python
# overlaps the other's statements in the server; a third gained nothing on two cores.
LANES = 2


class SqlUnitOfWork:
    """core.ports.UnitOfWork over one SQLAlchemy Connection (mypy checks each repository
    against its port here)."""

    users: UserRepository
    tenants: TenantRepository
    agents: AgentRepository
    leads: LeadRepository
    assignments: AssignmentRepository
    activities: ActivityRepository
    audit: AuditRepository
    audit_reader: AuditReader
    exports: ExportReader
    bulk: BulkRepository
    scoring: ScoringRepository
    points: PointsRepository
    routing: RoutingRepository
    sla: SlaRepository
    saved_searches: SavedSearchRepository

    def __init__(self, engine: Engine, *, read_only: bool = False) -> None:
        self._engine = engine
        self.concurrent_writers = 1 if engine.dialect.name == "sqlite" else LANES
        self._bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine

    def __enter__(self) -> Self:
        # A plain Connection, not an ORM Session: the repositories run statements and return
        # values, and never load objects for the Session to track. Its bookkeeping cost a
        # single assignment a fifth of its Python time (docs/benchmarks.md).
        try:
            self.connection = self._bind.connect()
        except DBAPIError as exc:
            failure = transient_failure(exc)
            if failure is None:
                raise
            raise failure from exc
        self.users = SqlUserRepository(self.connection)
        self.tenants = SqlTenantRepository(self.connection)
        self.agents = SqlAgentRepository(self.connection)
        self.leads = SqlLeadRepository(self.connection)
        self.assignments = SqlAssignmentRepository(self.connection)
        self.activities = SqlActivityRepository(self.connection)
        self.audit = SqlAuditRepository(self.connection)
        self.scoring = SqlScoringRepository(self.connection)
        self.bulk = SqlBulkRepository(self.connection)
        self.points = SqlPointsRepository(self.connection)
        self.audit_reader = SqlAuditReader(self.connection)
        self.routing = SqlRoutingRepository(self.connection)
        self.sla = SqlSlaRepository(self.connection)
        self._exports = SqlExportReader(self._engine)  # closed below: it may hold a connection
        self.exports = self._exports
        self.saved_searches = SqlSavedSearchRepository(self.connection)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            self.connection.rollback()  # after a commit there is nothing left to undo
        except DBAPIError:
            # A Galera node that aborted the transaction refuses the ROLLBACK too (1213), and a
            # lost connection cannot roll back at all: the connection's state is unknown, so
            # it never goes back to the pool. The outcome to report is the original error.
            self.connection.invalidate()
        finally:
            self.connection.close()
            self._exports.close()  # an export's read-only connection, if one was opened
        if isinstance(exc, DBAPIError):
            failure = transient_failure(exc)
            if failure is not None:
                raise failure from exc

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

