"""Batches: one row per bulk run (assign, undo, update, import) that its leads point back to."""

import uuid
from datetime import datetime

from core.domain.batches import Batch, BatchKind
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import retry_on_conflict

RECENT = 20


def open_batch(new_uow: UnitOfWorkFactory, actor: Actor, *, kind: BatchKind, now: datetime,
               strategy: str | None = None) -> str:
    """Record a batch in its own short transaction before the chunks that fill it, so every
    chunk can reference it; its counts are written when the run finishes."""
    batch_id = str(uuid.uuid4())
    with new_uow() as uow:
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=kind, strategy=strategy,
                           by_user_id=actor.user_id, now=now)
        uow.commit()
    return batch_id


@retry_on_conflict
def recent_batches(uow: UnitOfWork, actor: Actor, limit: int = RECENT) -> list[Batch]:
    """The tenant's newest batches; each says whether it can be undone (`Batch.undoable`)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.bulk.recent(actor.tenant_id, limit)
