"""The tenant's recent batches, each with what may be done with it now."""

from dataclasses import dataclass

from core.domain.batches import (
    Batch,
    BatchState,
    why_batch_cannot_be_resumed,
    why_batch_cannot_be_undone,
)
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

RECENT = 20


@dataclass(frozen=True)
class BatchStatus:
    batch: Batch
    state: BatchState  # as of now: a running batch whose heartbeat stopped reads interrupted
    undoable: bool
    resumable: bool


@retry_on_conflict
def recent_batches(uow: UnitOfWork, actor: Actor, limit: int = RECENT) -> list[BatchStatus]:
    """The tenant's newest batches, each saying whether it can be undone or resumed now."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        batches = uow.bulk.recent(actor.tenant_id, limit)
    now = utcnow()
    return [BatchStatus(batch, batch.state_at(now), why_batch_cannot_be_undone(batch, now) is None,
                        why_batch_cannot_be_resumed(batch, now) is None) for batch in batches]
