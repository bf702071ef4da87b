"""Resuming a batch that stopped part-way (docs/design.md §8): the same plan, from where it stopped."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.bulk.assign_commit import resume_bulk_assign
from core.bulk.lead_import import resume_import
from core.bulk.runner import Progress, plan_of
from core.bulk.undo import resume_undo
from core.bulk.update import resume_bulk_update
from core.domain.audit import AuditEntry
from core.domain.batches import (
    Batch,
    BatchItem,
    BatchKind,
    short_id,
    silent_since,
    why_batch_cannot_be_resumed,
)
from core.domain.clock import utcnow
from core.domain.errors import NotFound, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction

Resumer = Callable[[UnitOfWorkFactory, Actor, Batch, Any, Progress], list[BatchItem]]
RESUMERS: dict[BatchKind, Resumer] = {
    BatchKind.BULK_ASSIGN: resume_bulk_assign,
    BatchKind.BULK_UPDATE: resume_bulk_update,
    BatchKind.IMPORT: resume_import,
    BatchKind.UNDO: resume_undo,
}


@dataclass(frozen=True)
class ResumeResult:
    batch_id: str
    kind: BatchKind
    applied: int   # by this resume
    refused: int   # by this resume
    changed_in_all: int  # by the batch, from its start


def _claim(uow: UnitOfWork, actor: Actor, batch_id: str) -> tuple[Batch, Any]:
    batch = uow.bulk.batch(actor.tenant_id, batch_id)
    if batch is None:
        raise NotFound(f"Batch {batch_id} does not exist in your tenant.")
    now = utcnow()
    refusal = why_batch_cannot_be_resumed(batch, now)
    if refusal:
        raise RuleViolation(refusal)
    if not uow.bulk.claim(batch_id, now=now, stopped_before=silent_since(now)):
        raise RuleViolation(f"Batch {short_id(batch_id)} was just resumed by someone else.")
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="bulk.resumed", entity_type="batch", entity_id=batch_id, batch_id=batch_id,
        after={"done": batch.recorded, "planned": batch.planned}))
    return batch, plan_of(uow, batch_id)


def resume_batch(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, *,
                 progress: Progress = lambda done: None) -> ResumeResult:
    """Take over a stopped batch and apply the rest of its plan, then close it as a run that
    had never stopped would have."""
    actor.require(Permission.BULK_OPERATIONS)
    batch, stored = in_transaction(new_uow, lambda uow: _claim(uow, actor, batch_id))
    items = RESUMERS[batch.kind](new_uow, actor, batch, stored, progress)
    applied = sum(item.applied for item in items)
    return ResumeResult(batch_id, batch.kind, applied, len(items) - applied,
                        batch.leads_changed + applied)
