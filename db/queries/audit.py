"""The audit log as the audit page reads it, newest first, filtered in SQL."""

from datetime import datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import Connection, func, select

from core.domain.audit import AuditFilters, AuditRecord
from db.models import AuditRow
from db.results import AnySelect

Q = TypeVar("Q", bound=AnySelect)


def _where(query: Q, tenant_id: int, f: AuditFilters) -> Q:
    query = query.where(AuditRow.tenant_id == tenant_id)
    if f.action:
        query = query.where(AuditRow.action.startswith(f.action, autoescape=True))
    if f.actor_name:
        query = query.where(AuditRow.actor_name == f.actor_name)
    if f.entity_type:
        query = query.where(AuditRow.entity_type == f.entity_type)
    if f.entity_id:
        query = query.where(AuditRow.entity_id == f.entity_id)
    if f.batch_id:
        query = query.where(AuditRow.batch_id == f.batch_id)
    if f.since:
        query = query.where(AuditRow.at >= datetime.combine(f.since, time.min))
    if f.until:
        query = query.where(AuditRow.at < datetime.combine(f.until + timedelta(days=1), time.min))
    return query


class SqlAuditReader:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def page(self, tenant_id: int, filters: AuditFilters, *, offset: int,
             limit: int) -> tuple[list[AuditRecord], int]:
        total = self.connection.scalar(_where(select(func.count()).select_from(AuditRow), tenant_id, filters))
        rows = self.connection.execute(_where(select(
            AuditRow.at, AuditRow.actor_name, AuditRow.action, AuditRow.entity_type, AuditRow.entity_id,
            AuditRow.before_json, AuditRow.after_json, AuditRow.reason, AuditRow.batch_id, AuditRow.id,
        ), tenant_id, filters).order_by(AuditRow.at.desc(), AuditRow.id.desc()).offset(offset).limit(limit))
        return [AuditRecord(**row._asdict()) for row in rows], total or 0  # columns named as fields
