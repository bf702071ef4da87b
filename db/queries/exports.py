"""Whole lists for exports: counted up to a limit, then streamed in chunks (a server-side
cursor on MySQL/MariaDB, SQLite's own cursor), so memory holds one chunk at a time.

They are read on a read-only connection of their own, opened on first use and closed with the
unit of work: the unit of work's own transaction then begins only with the export's audit row.
On SQLite a writer's transaction takes the write lock when it begins, and building a large
file takes seconds: no one else's change waits for it."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from core.domain.audit import AuditFilters, AuditRecord
from core.domain.leads import LeadFilters, LeadRow
from db.engine import READ_ONLY
from db.models import Agent, AuditRow, Lead
from db.queries.audit import AUDIT_COLUMNS, SqlAuditReader
from db.queries.leads import LIST_COLUMNS, ORDER, filtered
from db.results import AnySelect


class SqlExportReader:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine  # nothing is made until an export reads: every unit of work has one
        self._connection: Connection | None = None

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.execution_options(**{READ_ONLY: True}).connect()
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()  # ends its read-only transaction
            self._connection = None

    def agent_names(self, tenant_id: int) -> dict[int, str]:
        rows = self.connection.execute(select(Agent.id, Agent.name).where(Agent.tenant_id == tenant_id))
        return {row.id: row.name for row in rows}

    def _count(self, ids: AnySelect, limit: int) -> int:
        """Counted up to limit + 1: reading no more index entries than the limit needs."""
        return self.connection.scalar(select(func.count()).select_from(ids.limit(limit + 1).subquery())) or 0

    def _streamed(self, query: AnySelect, size: int) -> Iterator[list[Any]]:
        result = self.connection.execute(query.execution_options(yield_per=size))
        for partition in result.partitions():
            yield list(partition)

    def count_leads(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> int:
        return self._count(filtered(select(Lead.id), tenant_id, filters), limit)

    def lead_chunks(self, tenant_id: int, filters: LeadFilters, *, size: int) -> Iterator[list[LeadRow]]:
        query = filtered(select(*LIST_COLUMNS).outerjoin(Agent, Agent.id == Lead.agent_id), tenant_id,
                         filters).order_by(*ORDER[filters.sort])
        for rows in self._streamed(query, size):
            yield [LeadRow(id=r.id, name=r.name, company=r.company, status=r.status,
                           category=r.score_category, score=float(r.overall_score or 0),
                           agent_name=r.agent_name, source=r.source, required_skill=r.required_skill,
                           created_at=r.created_at, version=r.version) for r in rows]

    def count_audit(self, tenant_id: int, filters: AuditFilters, *, limit: int) -> int:
        ids = SqlAuditReader(self.connection).where(select(AuditRow.id), tenant_id, filters)
        return self._count(ids, limit)

    def audit_chunks(self, tenant_id: int, filters: AuditFilters, *,
                     size: int) -> Iterator[list[AuditRecord]]:
        query = SqlAuditReader(self.connection).where(select(*AUDIT_COLUMNS), tenant_id, filters).order_by(
            AuditRow.at.desc(), AuditRow.id.desc())
        for rows in self._streamed(query, size):
            yield [AuditRecord(**row._asdict()) for row in rows]  # columns named as fields
