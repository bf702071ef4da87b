"""Batches of bulk runs, the leads each changed, and the round-robin pointer, in memory."""

from collections.abc import Sequence
from datetime import datetime

from core.domain.batches import Batch, BatchItem, BatchKind
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
                  by_user_id: int, now: datetime) -> None:
        if batch_id in self.batches:
            raise KeyError(f"Batch {batch_id} exists already (its id is the primary key).")
        self.batches[batch_id] = BatchRow(batch_id, tenant_id, kind, strategy, by_user_id, now)

    def finish_batch(self, batch_id: str, *, changed: int, refused: int) -> None:
        row = self.batches[batch_id]
        row.leads_changed, row.leads_refused = changed, refused

    def add_items(self, batch_id: str, items: Sequence[BatchItem]) -> None:
        kept = self._store.batch_items.setdefault(batch_id, [])
        lead_ids = [i.lead_id for i in [*kept, *items]]
        if len(set(lead_ids)) < len(lead_ids):
            raise KeyError(f"A lead appears twice in batch {batch_id} (batch and lead are the key).")
        kept.extend(items)

    def items(self, batch_id: str) -> list[BatchItem]:
        return sorted(self._store.batch_items.get(batch_id, []), key=lambda i: i.lead_id)

    def batch(self, tenant_id: int, batch_id: str) -> Batch | None:
        row = self.batches.get(batch_id)
        return self._batch(row) if row and row.tenant_id == tenant_id else None

    def _batch(self, row: BatchRow) -> Batch:
        return Batch(row.id, row.kind, row.created_at, self._store.username_of(row.created_by),
                     row.strategy, row.leads_changed, row.leads_refused, row.undone_by)

    def mark_undone(self, batch_id: str, *, by_batch: str) -> None:
        self.batches[batch_id].undone_by = by_batch

    def recent(self, tenant_id: int, limit: int) -> list[Batch]:
        rows = [row for row in reversed(self.batches.values()) if row.tenant_id == tenant_id]
        return [self._batch(row) for row in sorted(rows, key=lambda r: r.created_at, reverse=True)[:limit]]
