"""Undo a bulk assignment as a whole (docs/design.md §4), while none of its leads changed since.

The undo is a batch of its own, run like the assignment was: a durable plan (the leads the
assignment placed), chunks that lock and revert the leads still as the assignment left them,
and a closing step that marks the assignment undone. An interrupted assignment is closed as it
stands first, so that what it applied can be undone.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.bulk.assign_commit import CHUNK, close_bulk_assign
from core.bulk.runner import Progress, finish_once, open_batch, plan_of, run_plan
from core.domain.audit import AuditEntry
from core.domain.batches import (
    Batch,
    BatchItem,
    BatchKind,
    BatchState,
    short_id,
    silent_since,
    why_batch_cannot_be_undone,
)
from core.domain.clock import utcnow
from core.domain.errors import NotFound, RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.placement import Refusal
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction


@dataclass(frozen=True)
class UndoResult:
    undo_batch_id: str | None
    reverted: int
    blocked: list[Refusal]


def _target(uow: UnitOfWork, actor: Actor, batch_id: str) -> tuple[Batch, list[BatchItem]]:
    batch = uow.bulk.batch(actor.tenant_id, batch_id)
    if batch is None:
        raise NotFound(f"Batch {batch_id} does not exist in your tenant.")
    refusal = why_batch_cannot_be_undone(batch, utcnow())
    if refusal:
        raise RuleViolation(refusal)
    applied = [item for item in uow.bulk.items(batch_id) if item.applied]
    return batch, applied


def undo_batch(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, *,
               progress: Progress = lambda done: None) -> UndoResult:
    """Revert a whole bulk assignment as a new audited batch, only while none of its leads
    changed; otherwise nothing is undone and the leads that block it are named."""
    actor.require(Permission.BULK_OPERATIONS)
    target, applied = in_transaction(new_uow, lambda uow: _target(uow, actor, batch_id))
    versions = in_transaction(new_uow, lambda uow: uow.leads.versions(
        actor.tenant_id, [item.lead_id for item in applied]))
    blocked = [Refusal(item.lead_id, f"Lead #{item.lead_id} changed after the batch; undo it by "
                                     "hand or leave it.")
               for item in applied if versions.get(item.lead_id) != item.lead_version]
    if blocked:
        return UndoResult(None, 0, blocked)
    if target.state != BatchState.COMPLETE:
        _close_stopped(new_uow, actor, target)
    stored = {"undoes": batch_id,
              "items": [[item.lead_id, item.agent_id, item.lead_version] for item in applied]}
    undo_id = open_batch(new_uow, actor, kind=BatchKind.UNDO, now=utcnow(), plan=stored,
                         positions=len(applied))
    items = _run(new_uow, actor, undo_id, stored, progress=progress)
    return UndoResult(undo_id, sum(item.applied for item in items),
                      [Refusal(item.lead_id, item.refused) for item in items if item.refused])


def resume_undo(new_uow: UnitOfWorkFactory, actor: Actor, batch: Batch, stored: dict[str, Any],
                progress: Progress) -> list[BatchItem]:
    return _run(new_uow, actor, batch.id, stored, progress=progress)


def _close_stopped(new_uow: UnitOfWorkFactory, actor: Actor, target: Batch) -> None:
    """Take over the stopped assignment (so that no resume races the undo) and close it as it
    stands, with its closing audit row."""
    def close(uow: UnitOfWork) -> None:
        now = utcnow()
        if not uow.bulk.claim(target.id, now=now, stopped_before=silent_since(now)):
            raise RuleViolation(f"Batch {short_id(target.id)} was just resumed by someone else. "
                                "Wait until it completes, then undo it.")
        if target.kind == BatchKind.BULK_ASSIGN:
            close_bulk_assign(uow, actor, target.id, plan_of(uow, target.id) or {}, interrupted=True)
        else:
            _close_run_as_it_stands(uow, actor, target.id, *CLOSING[target.kind])
    in_transaction(new_uow, close)


# A run's closing audit row, as the run itself would write it: (action, name of its changed
# count, name of its refused count).
CLOSING = {BatchKind.ROUTING: ("routing.ran", "assigned", "left")}


def _close_run_as_it_stands(uow: UnitOfWork, actor: Actor, batch_id: str, action: str, changed: str,
                            refused: str) -> None:
    batch = finish_once(uow, actor, batch_id)
    if batch is None:
        return
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action=action, entity_type="batch", entity_id=batch_id, batch_id=batch_id,
        after={changed: batch.leads_changed, refused: batch.leads_refused, "interrupted": True}))


def _run(new_uow: UnitOfWorkFactory, actor: Actor, undo_id: str, stored: dict[str, Any], *,
         progress: Progress) -> list[BatchItem]:
    undoes = str(stored["undoes"])
    plan = [tuple(row) for row in stored["items"]]
    items = run_plan(new_uow, actor, undo_id, BatchKind.UNDO, plan, _reverter(actor, undoes, undo_id),
                     chunk=CHUNK, progress=progress)
    in_transaction(new_uow, lambda uow: _close(uow, actor, undo_id, undoes))
    return items


def _close(uow: UnitOfWork, actor: Actor, undo_id: str, undoes: str) -> None:
    batch = finish_once(uow, actor, undo_id)
    if batch is None:
        return
    uow.bulk.mark_undone(undoes, by_batch=undo_id)
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="bulk.undone", entity_type="batch", entity_id=undoes, batch_id=undo_id,
        after={"reverted": batch.leads_changed, "blocked": batch.leads_refused}))


Row = tuple[Any, ...]  # (lead id, agent id, the lead's version right after the assignment)


def _reverter(actor: Actor, undoes: str,
              undo_id: str) -> Callable[[UnitOfWork, list[tuple[int, Row]]], list[BatchItem]]:
    def revert(uow: UnitOfWork, todo: list[tuple[int, Row]]) -> list[BatchItem]:
        return _revert_chunk(uow, actor, todo, undoes, undo_id, utcnow())
    return revert


def _revert_chunk(uow: UnitOfWork, actor: Actor, todo: list[tuple[int, Row]], undoes: str,
                  undo_id: str, now: datetime) -> list[BatchItem]:
    """Back to new: the leads of the chunk that are still as the assignment left them."""
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id,
                                                             sorted(row[0] for _, row in todo))}
    items: list[BatchItem] = []
    for position, (lead_id, agent_id, version) in todo:
        lead = leads.get(lead_id)
        if lead is None or lead.version != version:
            items.append(BatchItem(position, lead_id, refused=f"Lead #{lead_id} changed during the undo."))
        else:
            items.append(BatchItem(position, lead_id, agent_id, version + 1))
    still = [item for item in items if item.applied and item.agent_id is not None]
    uow.agents.lock_states(actor.tenant_id, sorted({item.agent_id for item in still if item.agent_id}))
    uow.leads.unassign_many([item.lead_id for item in still], now=now)
    uow.agents.remove_open_leads(Counter(item.agent_id for item in still if item.agent_id))
    uow.assignments.end_many([item.lead_id for item in still], now=now)
    uow.audit.append_many([AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="lead.unassigned", entity_type="lead", entity_id=str(item.lead_id),
        before={"status": "assigned", "agent_id": item.agent_id},
        after={"status": "new", "agent_id": None},
        reason=f"undo of batch {undoes}", batch_id=undo_id) for item in still])
    return items
