"""The audit log as the audit page reads it, newest first, filtered in SQL."""

from datetime import datetime, time, timedelta

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.audit_log import AuditFilters
from db.models import AuditRow

COLUMNS = ["When", "By", "Action", "Entity", "Id", "Before", "After", "Reason", "Batch", "Seq"]


def _where(query: Select, tenant_id: int, f: AuditFilters) -> Select:
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
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, tenant_id: int, filters: AuditFilters, *, offset: int,
             limit: int) -> tuple[pd.DataFrame, int]:
        total = self.session.scalar(_where(select(func.count()).select_from(AuditRow), tenant_id, filters))
        rows = self.session.execute(_where(select(
            AuditRow.at, AuditRow.actor_name, AuditRow.action, AuditRow.entity_type, AuditRow.entity_id,
            AuditRow.before_json, AuditRow.after_json, AuditRow.reason, AuditRow.batch_id, AuditRow.seq,
        ), tenant_id, filters).order_by(AuditRow.seq.desc()).offset(offset).limit(limit)).all()
        return pd.DataFrame(rows, columns=COLUMNS), total
