"""Batches of bulk runs, the leads each changed, and the round-robin pointer."""

from datetime import datetime

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db.models import Batch, BatchItem, Tenant, User


class SqlBulkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def round_robin_pointer(self, tenant_id: int) -> int | None:
        return self.session.scalar(select(Tenant.round_robin_agent_id).where(Tenant.id == tenant_id))

    def set_round_robin_pointer(self, tenant_id: int, agent_id: int) -> None:
        self.session.execute(update(Tenant).where(Tenant.id == tenant_id)
                             .values(round_robin_agent_id=agent_id))

    def add_batch(self, batch_id: str, *, tenant_id: int, kind: str, strategy: str | None,
                  by_user_id: int, now: datetime) -> None:
        self.session.execute(insert(Batch).values(
            id=batch_id, tenant_id=tenant_id, kind=kind, strategy=strategy, created_by=by_user_id,
            created_at=now, leads_changed=0, leads_refused=0))

    def finish_batch(self, batch_id: str, *, changed: int, refused: int) -> None:
        self.session.execute(update(Batch).where(Batch.id == batch_id)
                             .values(leads_changed=changed, leads_refused=refused))

    def add_items(self, batch_id: str, items: list[tuple[int, int, int]]) -> None:
        self.session.execute(insert(BatchItem), [
            {"batch_id": batch_id, "lead_id": lead_id, "agent_id": agent_id, "lead_version": version}
            for lead_id, agent_id, version in items])

    def items(self, batch_id: str) -> list[tuple[int, int, int]]:
        rows = self.session.execute(select(BatchItem.lead_id, BatchItem.agent_id, BatchItem.lead_version)
                                    .where(BatchItem.batch_id == batch_id).order_by(BatchItem.lead_id))
        return [tuple(r) for r in rows]

    def batch(self, tenant_id: int, batch_id: str) -> dict | None:
        row = self.session.execute(select(Batch.id, Batch.kind, Batch.undone_by_batch).where(
            Batch.id == batch_id, Batch.tenant_id == tenant_id)).one_or_none()
        return row._asdict() if row else None

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None:
        self.session.execute(update(Batch).where(Batch.id == batch_id).values(undone_by_batch=by_batch))

    def recent(self, tenant_id: int, limit: int) -> pd.DataFrame:
        rows = self.session.execute(
            select(Batch.id, Batch.created_at, User.username, Batch.kind, Batch.strategy,
                   Batch.leads_changed, Batch.leads_refused, Batch.undone_by_batch)
            .outerjoin(User, User.id == Batch.created_by)
            .where(Batch.tenant_id == tenant_id).order_by(Batch.created_at.desc()).limit(limit)
        ).all()
        return pd.DataFrame(rows, columns=["Batch", "When", "By", "Kind", "Strategy", "Changed",
                                           "Refused", "Undone by"])
