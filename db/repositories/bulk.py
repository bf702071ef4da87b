"""Batches of bulk runs: their state, plan and progress, the items each recorded, and the
round-robin pointer."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, and_, insert, or_, select, update

from core.domain.batches import Batch, BatchItem, BatchKind, BatchState
from db.inline_rows import insert_rows
from db.models import Batch as BatchRow
from db.models import BatchItem as BatchItemRow
from db.models import Tenant, User
from db.results import AnyRow

_BATCH_COLUMNS = (BatchRow.id, BatchRow.kind, BatchRow.created_at, User.username, BatchRow.strategy,
                  BatchRow.leads_changed, BatchRow.leads_refused, BatchRow.undone_by_batch,
                  BatchRow.state, BatchRow.planned, BatchRow.heartbeat_at)
_ITEM_COLUMNS = (BatchItemRow.position, BatchItemRow.lead_id, BatchItemRow.agent_id,
                 BatchItemRow.lead_version, BatchItemRow.refused)


def _batch(row: AnyRow) -> Batch:
    return Batch(id=row.id, kind=BatchKind(row.kind), created_at=row.created_at,
                 by_username=row.username, strategy=row.strategy, leads_changed=row.leads_changed,
                 leads_refused=row.leads_refused, undone_by=row.undone_by_batch,
                 state=BatchState(row.state), planned=row.planned, heartbeat_at=row.heartbeat_at)


class SqlBulkRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def round_robin_pointer(self, tenant_id: int) -> int | None:
        return self.connection.scalar(select(Tenant.round_robin_agent_id).where(Tenant.id == tenant_id))

    def set_round_robin_pointer(self, tenant_id: int, agent_id: int) -> None:
        self.connection.execute(update(Tenant).where(Tenant.id == tenant_id)
                             .values(round_robin_agent_id=agent_id))

    def add_batch(self, batch_id: str, *, tenant_id: int, kind: BatchKind, strategy: str | None,
                  by_user_id: int | None, now: datetime, plan: str, planned: int, refused: int = 0) -> None:
        self.connection.execute(insert(BatchRow).values(
            id=batch_id, tenant_id=tenant_id, kind=kind.value, strategy=strategy, created_by=by_user_id,
            created_at=now, leads_changed=0, leads_refused=refused, state=BatchState.RUNNING.value,
            planned=planned, heartbeat_at=now, plan=plan))

    def plan(self, batch_id: str) -> str | None:
        return self.connection.scalar(select(BatchRow.plan).where(BatchRow.id == batch_id))

    def recorded_items(self, batch_id: str, positions: Sequence[int]) -> list[BatchItem]:
        """Positions come as a run of consecutive numbers (a chunk, a whole plan): one range read."""
        if not positions:
            return []
        wanted = set(positions)
        rows = self.connection.execute(select(*_ITEM_COLUMNS).where(
            BatchItemRow.batch_id == batch_id,
            BatchItemRow.position.between(min(positions), max(positions))))
        return [BatchItem(*row) for row in rows if row.position in wanted]

    def add_items(self, batch_id: str, items: Sequence[BatchItem]) -> None:
        if items:
            insert_rows(self.connection, BatchItemRow.table(), [
                {"batch_id": batch_id, "position": item.position, "lead_id": item.lead_id,
                 "agent_id": item.agent_id, "lead_version": item.lead_version, "refused": item.refused}
                for item in items])

    def record_progress(self, batch_id: str, *, changed: int, refused: int, now: datetime) -> None:
        self.connection.execute(update(BatchRow).where(BatchRow.id == batch_id).values(
            leads_changed=BatchRow.leads_changed + changed,
            leads_refused=BatchRow.leads_refused + refused, heartbeat_at=now))

    def claim(self, batch_id: str, *, now: datetime, stopped_before: datetime) -> bool:
        stopped = or_(BatchRow.state == BatchState.INTERRUPTED.value,
                      and_(BatchRow.state == BatchState.RUNNING.value,
                           or_(BatchRow.heartbeat_at.is_(None), BatchRow.heartbeat_at < stopped_before)))
        result = self.connection.execute(
            update(BatchRow).where(BatchRow.id == batch_id, stopped)
            .values(state=BatchState.RUNNING.value, heartbeat_at=now))
        return result.rowcount == 1

    def mark_interrupted(self, batch_id: str) -> None:
        self.connection.execute(update(BatchRow).where(
            BatchRow.id == batch_id, BatchRow.state == BatchState.RUNNING.value)
            .values(state=BatchState.INTERRUPTED.value))

    def finish_batch(self, batch_id: str, *, now: datetime) -> None:
        self.connection.execute(update(BatchRow).where(BatchRow.id == batch_id).values(
            state=BatchState.COMPLETE.value, heartbeat_at=now, plan=None))

    def items(self, batch_id: str) -> list[BatchItem]:
        rows = self.connection.execute(select(*_ITEM_COLUMNS).where(BatchItemRow.batch_id == batch_id)
                                    .order_by(BatchItemRow.position))
        return [BatchItem(*row) for row in rows]

    def batch(self, tenant_id: int, batch_id: str) -> Batch | None:
        row = self.connection.execute(
            select(*_BATCH_COLUMNS).outerjoin(User, User.id == BatchRow.created_by)
            .where(BatchRow.id == batch_id, BatchRow.tenant_id == tenant_id)).one_or_none()
        return _batch(row) if row else None

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None:
        self.connection.execute(update(BatchRow).where(BatchRow.id == batch_id)
                             .values(undone_by_batch=by_batch))

    def recent(self, tenant_id: int, limit: int) -> list[Batch]:
        rows = self.connection.execute(
            select(*_BATCH_COLUMNS).outerjoin(User, User.id == BatchRow.created_by)
            .where(BatchRow.tenant_id == tenant_id).order_by(BatchRow.created_at.desc()).limit(limit))
        return [_batch(row) for row in rows]
