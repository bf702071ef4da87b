"""Undo a bulk assignment as a whole (DESIGN.md §4), while none of its leads changed since."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from core.bulk.assign import CHUNK
from core.bulk.batches import open_batch
from core.domain.audit import AuditEntry
from core.domain.batches import BatchItem, BatchKind, why_batch_cannot_be_undone
from core.domain.clock import utcnow
from core.domain.errors import NotFound, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.placement import Refusal
from core.ports import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class UndoResult:
    undo_batch_id: str | None
    reverted: int
    blocked: list[Refusal]


def undo_batch(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str) -> UndoResult:
    """Revert a whole bulk assignment as a new audited batch, only while none of its leads
    changed; otherwise nothing is undone and the leads that block it are named."""
    actor.require(Permission.BULK_OPERATIONS)
    with new_uow() as uow:
        batch = uow.bulk.batch(actor.tenant_id, batch_id)
        if batch is None:
            raise NotFound(f"Batch {batch_id} does not exist in your tenant.")
        refusal = why_batch_cannot_be_undone(batch)
        if refusal:
            raise RuleViolation(refusal)
        items = uow.bulk.items(batch_id)
        versions = uow.leads.versions(actor.tenant_id, [item.lead_id for item in items])
    blocked = [Refusal(item.lead_id, f"Lead #{item.lead_id} changed after the batch; undo it by "
                                     "hand or leave it.")
               for item in items if versions.get(item.lead_id) != item.lead_version]
    if blocked:
        return UndoResult(None, 0, blocked)
    now, reverted = utcnow(), 0
    undo_id = open_batch(new_uow, actor, kind=BatchKind.UNDO, now=now)
    for start in range(0, len(items), CHUNK):
        with new_uow() as uow:
            still, changed = _revert_chunk(uow, actor, items[start:start + CHUNK], batch_id,
                                           undo_id, now)
            uow.commit()
        reverted += still
        blocked += changed
    with new_uow() as uow:
        uow.bulk.finish_batch(undo_id, changed=reverted, refused=len(blocked))
        uow.bulk.mark_undone(batch_id, by_batch=undo_id)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="bulk.undone", entity_type="batch", entity_id=batch_id, batch_id=undo_id,
            after={"reverted": reverted, "blocked": len(blocked)}))
        uow.commit()
    return UndoResult(undo_id, reverted, blocked)


def _revert_chunk(uow: UnitOfWork, actor: Actor, chunk: list[BatchItem], batch_id: str,
                  undo_id: str, now: datetime) -> tuple[int, list[Refusal]]:
    """Back to new: the leads of the chunk that are still as the batch left them."""
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id,
                                                             sorted(i.lead_id for i in chunk))}
    still = [i for i in chunk if (lead := leads.get(i.lead_id)) and lead.version == i.lead_version]
    changed = [Refusal(i.lead_id, f"Lead #{i.lead_id} changed during the undo.")
               for i in chunk if i not in still]
    uow.agents.lock_states(actor.tenant_id, sorted({i.agent_id for i in still}))
    uow.leads.unassign_many([i.lead_id for i in still], now=now)
    uow.agents.remove_open_leads(Counter(i.agent_id for i in still))
    uow.assignments.end_many([i.lead_id for i in still], now=now)
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.unassigned", entity_type="lead", entity_id=str(i.lead_id),
        before={"status": "assigned", "agent_id": i.agent_id}, after={"status": "new", "agent_id": None},
        reason=f"undo of batch {batch_id}", batch_id=undo_id) for i in still])
    return len(still), changed
