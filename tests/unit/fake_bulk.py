"""Batches of bulk runs, their plans, progress and items, and the round-robin pointer, in
memory, as db/repositories/bulk.py keeps them."""

from collections.abc import Sequence
from datetime import datetime

from core.domain.batches import Batch, BatchItem, BatchKind, BatchState
from tests.unit.fake_store import BatchRow, Store


class FakeBulk:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def batches(self) -> dict[str, BatchRow]:
        return self._store.batches

    def round_robin_pointer(self, tenant_id: int) -> int | None:
        return self._store.round_robin.get(tenant_id)

    def set_round_robin_pointer(self, tenant_id: int, agent_id: int) -> None:
        self._store.round_robin[tenant_id] = agent_id

    def add_batch(self, batch_id: str, *, tenant_id: int, kind: BatchKind, strategy: str | None,
                  by_user_id: int | None, now: datetime, plan: str, planned: int, refused: int = 0) -> None:
        if batch_id in self.batches:
            raise KeyError(f"Batch {batch_id} exists already (its id is the primary key).")
        self.batches[batch_id] = BatchRow(batch_id, tenant_id, kind, strategy, by_user_id, now,
                                          leads_refused=refused, state=BatchState.RUNNING,
                                          planned=planned, heartbeat_at=now, plan=plan)

    def plan(self, batch_id: str) -> str | None:
        return self.batches[batch_id].plan

    def recorded_items(self, batch_id: str, positions: Sequence[int]) -> list[BatchItem]:
        wanted = set(positions)
        return [item for item in self.items(batch_id) if item.position in wanted]

    def add_items(self, batch_id: str, items: Sequence[BatchItem]) -> None:
        kept = self._store.batch_items.setdefault(batch_id, [])
        positions = [i.position for i in [*kept, *items]]
        if len(set(positions)) < len(positions):
            raise KeyError(f"A position appears twice in batch {batch_id} (batch and position are the key).")
        kept.extend(items)

    def record_progress(self, batch_id: str, *, changed: int, refused: int, now: datetime) -> None:
        row = self.batches[batch_id]
        row.leads_changed += changed
        row.leads_refused += refused
        row.heartbeat_at = now

    def claim(self, batch_id: str, *, now: datetime, stopped_before: datetime) -> bool:
        row = self.batches.get(batch_id)
        stopped = row is not None and (row.state == BatchState.INTERRUPTED or (
            row.state == BatchState.RUNNING
            and (row.heartbeat_at is None or row.heartbeat_at < stopped_before)))
        if row is None or not stopped:
            return False
        row.state, row.heartbeat_at = BatchState.RUNNING, now
        return True

    def mark_interrupted(self, batch_id: str) -> None:
        row = self.batches[batch_id]
        if row.state == BatchState.RUNNING:
            row.state = BatchState.INTERRUPTED

    def finish_batch(self, batch_id: str, *, now: datetime) -> None:
        row = self.batches[batch_id]
        row.state, row.heartbeat_at, row.plan = BatchState.COMPLETE, now, None

    def items(self, batch_id: str) -> list[BatchItem]:
        return sorted(self._store.batch_items.get(batch_id, []), key=lambda i: i.position)

    def batch(self, tenant_id: int, batch_id: str) -> Batch | None:
        row = self.batches.get(batch_id)
        return self._batch(row) if row and row.tenant_id == tenant_id else None

    def _batch(self, row: BatchRow) -> Batch:
        return Batch(row.id, row.kind, row.created_at, self._store.username_of(row.created_by),
                     row.strategy, row.leads_changed, row.leads_refused, row.undone_by, row.state,
                     row.planned, row.heartbeat_at)

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None:
        self.batches[batch_id].undone_by = by_batch

    def recent(self, tenant_id: int, limit: int) -> list[Batch]:
        rows = [row for row in reversed(self.batches.values()) if row.tenant_id == tenant_id]
        return [self._batch(row) for row in sorted(rows, key=lambda r: r.created_at, reverse=True)[:limit]]
