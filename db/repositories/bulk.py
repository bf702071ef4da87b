"""Batches of bulk runs, the leads each changed, and the round-robin pointer."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.domain.batches import Batch, BatchItem, BatchKind
from db.models import Batch as BatchRow
from db.models import BatchItem as BatchItemRow
from db.models import Tenant, User
from db.results import AnyRow

_BATCH_COLUMNS = (BatchRow.id, BatchRow.kind, BatchRow.created_at, User.username, BatchRow.strategy,
                  BatchRow.leads_changed, BatchRow.leads_refused, BatchRow.undone_by_batch)


def _batch(row: AnyRow) -> Batch:
    return Batch(id=row.id, kind=BatchKind(row.kind), created_at=row.created_at,
                 by_username=row.username, strategy=row.strategy, leads_changed=row.leads_changed,
                 leads_refused=row.leads_refused, undone_by=row.undone_by_batch)


class SqlBulkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def round_robin_pointer(self, tenant_id: int) -> int | None:
        return self.session.scalar(select(Tenant.round_robin_agent_id).where(Tenant.id == tenant_id))

    def set_round_robin_pointer(self, tenant_id: int, agent_id: int) -> None:
        self.session.execute(update(Tenant).where(Tenant.id == tenant_id)
                             .values(round_robin_agent_id=agent_id))

    def add_batch(self, batch_id: str, *, tenant_id: int, kind: BatchKind, strategy: str | None,
                  by_user_id: int, now: datetime) -> None:
        self.session.execute(insert(BatchRow).values(
            id=batch_id, tenant_id=tenant_id, kind=kind.value, strategy=strategy, created_by=by_user_id,
            created_at=now, leads_changed=0, leads_refused=0))

    def finish_batch(self, batch_id: str, *, changed: int, refused: int) -> None:
        self.session.execute(update(BatchRow).where(BatchRow.id == batch_id)
                             .values(leads_changed=changed, leads_refused=refused))

    def add_items(self, batch_id: str, items: Sequence[BatchItem]) -> None:
        self.session.execute(insert(BatchItemRow), [
            {"batch_id": batch_id, "lead_id": item.lead_id, "agent_id": item.agent_id,
             "lead_version": item.lead_version} for item in items])

    def items(self, batch_id: str) -> list[BatchItem]:
        rows = self.session.execute(
            select(BatchItemRow.lead_id, BatchItemRow.agent_id, BatchItemRow.lead_version)
            .where(BatchItemRow.batch_id == batch_id).order_by(BatchItemRow.lead_id))
        return [BatchItem(lead_id, agent_id, version) for lead_id, agent_id, version in rows]

    def batch(self, tenant_id: int, batch_id: str) -> Batch | None:
        row = self.session.execute(
            select(*_BATCH_COLUMNS).outerjoin(User, User.id == BatchRow.created_by)
            .where(BatchRow.id == batch_id, BatchRow.tenant_id == tenant_id)).one_or_none()
        return _batch(row) if row else None

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None:
        self.session.execute(update(BatchRow).where(BatchRow.id == batch_id)
                             .values(undone_by_batch=by_batch))

    def recent(self, tenant_id: int, limit: int) -> list[Batch]:
        rows = self.session.execute(
            select(*_BATCH_COLUMNS).outerjoin(User, User.id == BatchRow.created_by)
            .where(BatchRow.tenant_id == tenant_id).order_by(BatchRow.created_at.desc()).limit(limit))
        return [_batch(row) for row in rows]
