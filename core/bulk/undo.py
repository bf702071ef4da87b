"""Undo a bulk assignment as a whole (docs/design.md §4), while none of its leads changed since.

The undo is a batch of its own, run like the assignment was: a durable plan (the leads the
assignment placed), chunks that lock and revert the leads still as the assignment left them,
and a closing step that marks the assignment undone. An interrupted assignment is closed as it
stands first, so that what it applied can be undone.

A routing run is undone the same way. An SLA re-route (docs/routing.md) gives each lead back to
the agent it came from (read from the history rows the re-route wrote), as a reassignment under
the capacity rule: the undo is refused, naming the leads, unless every lead is unchanged AND its
first agent can take it back now. The lead keeps its SLA re-route used (sla_rerouted_at): giving
it back would let the next `cli.py route` move it away again at once.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from core.bulk.assign_commit import CHUNK, close_bulk_assign
from core.bulk.runner import Progress, close_run_as_it_stands, finish_once, open_batch, plan_of, run_plan
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
from core.domain.rules import AgentState, why_agent_cannot_receive
from core.leads.assignment import move_locked_lead
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction


@dataclass(frozen=True)
class UndoResult:
    undo_batch_id: str | None
    reverted: int
    blocked: list[Refusal]
    undid: BatchKind | None = None  # the kind of batch undone (None when refused)

    @property
    def where_to(self) -> str:
        """Where the reverted leads went, in words."""
        return ("back with the agent they came from" if self.undid == BatchKind.SLA_REROUTE
                else "back to new")


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
    """Revert a whole bulk assignment, routing run or SLA re-route as a new audited batch, only
    while none of its leads changed (and, for a re-route, each first agent can take its lead
    back); otherwise nothing is undone and the leads that block it are named."""
    actor.require(Permission.BULK_OPERATIONS)
    target, applied = in_transaction(new_uow, lambda uow: _target(uow, actor, batch_id))
    versions = in_transaction(new_uow, lambda uow: uow.leads.versions(
        actor.tenant_id, [item.lead_id for item in applied]))
    blocked = [Refusal(item.lead_id, f"Lead #{item.lead_id} changed after the batch; undo it by "
                                     "hand or leave it.")
               for item in applied if versions.get(item.lead_id) != item.lead_version]
    back_to: dict[int, int] = {}
    if target.kind == BatchKind.SLA_REROUTE and not blocked:
        back_to, blocked = in_transaction(new_uow, lambda uow: _first_agents(uow, actor, batch_id, applied))
    if blocked:
        return UndoResult(None, 0, blocked)
    if target.state != BatchState.COMPLETE:
        _close_stopped(new_uow, actor, target)
    stored = {"undoes": batch_id, "kind": target.kind.value,
              "items": [[item.lead_id, item.agent_id, item.lead_version]
                        + ([back_to[item.lead_id]] if back_to else []) for item in applied]}
    undo_id = open_batch(new_uow, actor, kind=BatchKind.UNDO, now=utcnow(), plan=stored,
                         positions=len(applied))
    items = _run(new_uow, actor, undo_id, stored, progress=progress)
    return UndoResult(undo_id, sum(item.applied for item in items),
                      [Refusal(item.lead_id, item.refused) for item in items if item.refused], target.kind)


def _first_agents(uow: UnitOfWork, actor: Actor, batch_id: str,
                  applied: list[BatchItem]) -> tuple[dict[int, int], list[Refusal]]:
    """Each re-routed lead's first agent, and the leads that could not go back to theirs now
    (checked in the undo's order, each lead counted in its first agent's load as it goes)."""
    first_of = uow.assignments.moved_from(actor.tenant_id, batch_id)
    leads = {c.lead.id: c.lead for c in uow.leads.candidates_by_id(actor.tenant_id,
                                                                  [item.lead_id for item in applied])}
    agents: dict[int, AgentState | None] = {}
    blocked: list[Refusal] = []
    for item in applied:
        first, lead = first_of.get(item.lead_id), leads.get(item.lead_id)
        if first is None or lead is None:
            blocked.append(Refusal(item.lead_id, f"Lead #{item.lead_id}: the agent it came from is not "
                                                 "recorded; move it by hand or leave it."))
            continue
        for agent_id in (first, item.agent_id):
            if agent_id is not None and agent_id not in agents:
                agents[agent_id] = uow.agents.get(actor.tenant_id, agent_id)
        agent = agents[first]
        why = why_agent_cannot_receive(agent, lead) if agent else f"Agent #{first} no longer exists."
        if why:
            blocked.append(Refusal(item.lead_id, f"Lead #{item.lead_id} cannot go back: {why}"))
            continue
        agents[first] = replace(agent, open_leads=agent.open_leads + 1) if agent else None
        now_with = agents.get(item.agent_id) if item.agent_id is not None else None
        if now_with is not None and item.agent_id is not None:
            agents[item.agent_id] = replace(now_with, open_leads=max(now_with.open_leads - 1, 0))
    return first_of, blocked


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
            close_run_as_it_stands(uow, actor, target.id, target.kind)
    in_transaction(new_uow, close)


def _run(new_uow: UnitOfWorkFactory, actor: Actor, undo_id: str, stored: dict[str, Any], *,
         progress: Progress) -> list[BatchItem]:
    undoes = str(stored["undoes"])
    plan = [tuple(row) for row in stored["items"]]
    revert = _chunk_reverter(_move_back_chunk if stored.get("kind") == BatchKind.SLA_REROUTE.value
                             else _revert_chunk, actor, undoes, undo_id)
    items = run_plan(new_uow, actor, undo_id, BatchKind.UNDO, plan, revert, chunk=CHUNK, progress=progress)
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


# (lead id, agent id, the lead's version right after the batch[, the agent it came from])
Row = tuple[Any, ...]
Revert = Callable[[UnitOfWork, Actor, list[tuple[int, Row]], str, str, datetime], list[BatchItem]]


def _chunk_reverter(revert_chunk: Revert, actor: Actor, undoes: str,
                    undo_id: str) -> Callable[[UnitOfWork, list[tuple[int, Row]]], list[BatchItem]]:
    def revert(uow: UnitOfWork, todo: list[tuple[int, Row]]) -> list[BatchItem]:
        return revert_chunk(uow, actor, todo, undoes, undo_id, utcnow())
    return revert


def _move_back_chunk(uow: UnitOfWork, actor: Actor, todo: list[tuple[int, Row]], undoes: str,
                     undo_id: str, now: datetime) -> list[BatchItem]:
    """Back to the agent each lead came from: the leads of the chunk still as the re-route left
    them, each a reassignment under the capacity rule (checked again on the locked rows)."""
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id,
                                                             sorted(row[0] for _, row in todo))}
    # Every agent of the chunk locked in id order, before any lead moves (the lock order).
    uow.agents.lock_states(actor.tenant_id, sorted({agent for _, row in todo for agent in (row[1], row[3])
                                                    if agent is not None}))
    items: list[BatchItem] = []
    for position, (lead_id, _, version, first) in todo:
        lead = leads.get(lead_id)
        if lead is None or lead.version != version:
            items.append(BatchItem(position, lead_id, refused=f"Lead #{lead_id} changed during the undo."))
            continue
        try:  # refused before the lead's first write
            move_locked_lead(uow, actor, lead, first, reason=f"undo of batch {undoes}", now=now,
                             batch_id=undo_id)
        except (RuleViolation, NotFound) as refused:
            items.append(BatchItem(position, lead_id, refused=str(refused)))
            continue
        items.append(BatchItem(position, lead_id, first, version + 1))
    return items


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
