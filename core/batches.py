"""Batches: one row per bulk run (assign, undo, update, import) that its leads point back to."""

import uuid
from collections.abc import Callable
from datetime import datetime

from core.identity import Actor
from core.ports import UnitOfWork


def open_batch(new_uow: Callable[[], UnitOfWork], actor: Actor, *, kind: str, now: datetime,
               strategy: str | None = None) -> str:
    """Record a batch in its own short transaction before the chunks that fill it, so every
    chunk can reference it; its counts are written when the run finishes."""
    batch_id = str(uuid.uuid4())
    with new_uow() as uow:
        uow.bulk.add_batch(batch_id, tenant_id=actor.tenant_id, kind=kind, strategy=strategy,
                           by_user_id=actor.user_id, now=now)
        uow.commit()
    return batch_id
