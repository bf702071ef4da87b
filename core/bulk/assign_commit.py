"""Committing a bulk assignment's plan: a durable batch applied in chunks, resumable.

Commit first checks that the preview's snapshot still holds; if the data moved it re-plans and
returns the new plan instead of writing. It then records the batch with its plan and applies
it CHUNK leads at a time, each chunk a short transaction that locks its agents (by id) and
leads, re-checks the capacity rule on the locked rows and refuses what no longer fits. The
batch's closing step (its counts, the round-robin pointer, the closing audit row) runs once,
when the last chunk is done, by this run or by a resume.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from core.bulk.assign import BulkPlan, moved_since, plan_bulk_assign
from core.bulk.assign_write import write_assignments
from core.bulk.runner import Progress, finish_once, open_batch, run_plan
from core.collector import collector_paused
from core.domain.audit import AuditEntry
from core.domain.batches import Batch, BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import RuleViolation
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.placement import Placement, Refusal, Strategy
from core.domain.rules import why_agent_cannot_receive
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction

CHUNK = 500


class Planned(NamedTuple):
    """One position of a stored plan: this lead, at this version, to this agent."""

    lead_id: int
    agent_id: int
    lead_version: int


@dataclass(frozen=True)
class BulkResult:
    batch_id: str
    assigned: int
    refused: list[Refusal]


def _stored(plan: BulkPlan) -> dict[str, Any]:
    return {"strategy": plan.request.strategy.value, "round_robin_after": plan.round_robin_after,
            "placements": [[p.lead_id, p.agent_id, plan.lead_versions[p.lead_id]] for p in plan.placed]}


def commit_bulk_assign(new_uow: UnitOfWorkFactory, actor: Actor, plan: BulkPlan, *,
                       progress: Progress = lambda done: None) -> BulkResult | BulkPlan:
    """Apply the plan, or return a fresh plan (with `notice`) when the data has moved."""
    actor.require(Permission.BULK_OPERATIONS)
    notice = in_transaction(new_uow, lambda uow: moved_since(uow, actor, plan))
    if notice:
        return replace(plan_bulk_assign(new_uow(), actor, plan.request), notice=notice)
    if not plan.placed:
        raise RuleViolation("This plan places no lead; nothing to commit.")
    stored = _stored(plan)
    batch_id = open_batch(new_uow, actor, kind=BatchKind.BULK_ASSIGN, now=utcnow(), plan=stored,
                          positions=len(plan.placed), strategy=plan.request.strategy.value,
                          refused=len(plan.unplaced))
    items = _run(new_uow, actor, batch_id, stored, progress=progress)
    return BulkResult(batch_id, sum(item.applied for item in items),
                      plan.unplaced + [Refusal(i.lead_id, i.refused) for i in items if i.refused])


def resume_bulk_assign(new_uow: UnitOfWorkFactory, actor: Actor, batch: Batch, stored: dict[str, Any],
                       progress: Progress) -> list[BatchItem]:
    return _run(new_uow, actor, batch.id, stored, progress=progress)


def _run(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, stored: dict[str, Any], *,
         progress: Progress) -> list[BatchItem]:
    """The chunks in lanes by agent where the database takes several writers, and with the
    cycle collector paused (core/bulk/lanes.py, core/collector.py), as a routing run."""
    placements = [Planned(*row) for row in stored["placements"]]
    strategy = Strategy(stored["strategy"])
    with collector_paused():
        items = run_plan(new_uow, actor, batch_id, BatchKind.BULK_ASSIGN, placements,
                         _chunk_applier(actor, batch_id, strategy), chunk=CHUNK, progress=progress,
                         lane_key=lambda planned: planned.agent_id)
    in_transaction(new_uow, lambda uow: close_bulk_assign(uow, actor, batch_id, stored))
    return items


def close_bulk_assign(uow: UnitOfWork, actor: Actor, batch_id: str, stored: dict[str, Any],
                      *, interrupted: bool = False) -> None:
    """The batch's closing step, once: complete, the round-robin pointer moved on, the closing
    audit row with its totals. `interrupted`: closed as it stands, before an undo."""
    batch = finish_once(uow, actor, batch_id)
    if batch is None:
        return
    pointer = stored.get("round_robin_after")
    if stored.get("strategy") == Strategy.ROUND_ROBIN.value and pointer is not None and not interrupted:
        uow.bulk.set_round_robin_pointer(actor.tenant_id, pointer)
    after: dict[str, Any] = {"strategy": stored.get("strategy"), "assigned": batch.leads_changed,
                             "refused": batch.leads_refused}
    if interrupted:
        after["interrupted"] = True
    uow.audit.append(AuditEntry(
        tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
        action="bulk.assigned", entity_type="batch", entity_id=batch_id, batch_id=batch_id,
        after=after))


def _chunk_applier(actor: Actor, batch_id: str,
                   strategy: Strategy) -> Callable[[UnitOfWork, list[tuple[int, Planned]]], list[BatchItem]]:
    def apply(uow: UnitOfWork, todo: list[tuple[int, Planned]]) -> list[BatchItem]:
        return _apply_chunk(uow, actor, todo, batch_id, strategy, utcnow())
    return apply


def _apply_chunk(uow: UnitOfWork, actor: Actor, todo: list[tuple[int, Planned]], batch_id: str,
                 strategy: Strategy, now: datetime) -> list[BatchItem]:
    """Lock the chunk's agents, then its leads, each by one read; assign each lead still as
    planned (its version unchanged) to an agent who may still receive it, counted on the
    locked rows; refuse the rest, each with why. Writes in a fixed number of statements."""
    agents = {a.id: a for a in uow.agents.lock_states(actor.tenant_id,
                                                      sorted({p.agent_id for _, p in todo}))}
    leads = {lead.id: lead for lead in uow.leads.lock_assignable(actor.tenant_id,
                                                                 [p.lead_id for _, p in todo])}
    items: list[BatchItem] = []
    for position, (lead_id, agent_id, version) in todo:
        lead, agent = leads.get(lead_id), agents.get(agent_id)
        if lead is None or lead.version != version:
            items.append(BatchItem(position, lead_id, refused=f"Lead #{lead_id} changed during the commit."))
        elif agent is None:
            items.append(BatchItem(position, lead_id, refused=f"Agent #{agent_id} no longer exists."))
        elif why := why_agent_cannot_receive(agent, lead):
            items.append(BatchItem(position, lead_id, refused=why))
        else:
            agents[agent_id] = agent.with_one_more_lead()
            items.append(BatchItem(position, lead_id, agent_id, lead.version + 1))
    placements = [Placement(i.lead_id, i.agent_id) for i in items if i.applied and i.agent_id is not None]
    reason = f"bulk {strategy.value}"
    write_assignments(uow, actor, placements, agent_names={a.id: a.name for a in agents.values()},
                      reasons={p.lead_id: reason for p in placements}, batch_id=batch_id, now=now)
    return items
