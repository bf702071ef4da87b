"""A routing run (docs/routing.md): plan, then apply as a batch, as a bulk run is applied.

The run is a batch of kind `routing`: recorded with its plan before its chunks, applied
CHUNK leads at a time (each chunk one short transaction, retried on its own), shown among the
recent batches and undone like a bulk assignment. Each chunk locks its agents (by id, as every
writer does), then claims its leads with SKIP LOCKED: a lead another run or a supervisor holds
at that moment is left to them, not waited for. The capacity rule is checked again on the
locked rows, so two runs at once never place a lead twice nor overfill an agent. A run that
places nothing writes no batch; every real run notes its time and counts for the routing panel.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from core.bulk.assign_write import write_assignments
from core.bulk.runner import close_batch, close_stopped_runs, open_batch, run_plan
from core.collector import collector_paused
from core.domain.batches import BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.placement import Placement, Refusal
from core.domain.routing import RoutingRun
from core.domain.rules import why_agent_cannot_receive
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction
from core.routing.eligibility import why_not_routable
from core.routing.engine import Routed, RoutingPlan
from core.routing.planning import plan_routing
from core.sla.shifts import ShiftTable, shift_table

CHUNK = 500
TAKEN = ("Lead #{} was taken by someone else at the same moment (another routing run or a "
         "supervisor), or is no longer new.")


class Planned(NamedTuple):
    """One position of a stored routing plan."""

    lead_id: int
    agent_id: int
    lead_version: int
    rule_id: int


@dataclass(frozen=True)
class RoutingResult:
    batch_id: str | None
    plan: RoutingPlan
    placed: list[Routed]     # applied (planned, on a dry run)
    left: list[Refusal]      # not placed, each with why
    dry_run: bool = False

    def rule_name(self, rule_id: int) -> str:
        return next((o.rule.name for o in self.plan.outcomes if o.rule.id == rule_id), f"#{rule_id}")

    def agent_name(self, agent_id: int) -> str:
        return next((o.agents_before[agent_id].name for o in self.plan.outcomes
                     if agent_id in o.agents_before), f"agent #{agent_id}")


def routed_by(name: str) -> str:
    """The assignment history's note and the audit row's reason for a routed lead."""
    return f"routed by rule '{name}'"


def run_routing(new_uow: UnitOfWorkFactory, actor: Actor, *, dry_run: bool = False,
                lead_ids: Sequence[int] | None = None, on_arrival: bool = False,
                now: datetime | None = None) -> RoutingResult:
    """Apply the active rules to the tenant's new leads (or to these leads): the plan, then
    one batch. `dry_run`: the plan only, nothing written. `now`: a fixed clock (tests); by
    default each step reads the time as it runs."""
    actor.require(Permission.BULK_OPERATIONS)
    with collector_paused():
        return _route(new_uow, actor, dry_run=dry_run, lead_ids=lead_ids, on_arrival=on_arrival, now=now)


def _route(new_uow: UnitOfWorkFactory, actor: Actor, *, dry_run: bool, lead_ids: Sequence[int] | None,
           on_arrival: bool, now: datetime | None) -> RoutingResult:
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    plan = plan_routing(new_uow(), actor, lead_ids=lead_ids, on_arrival=on_arrival, now=clock())
    if dry_run:
        return RoutingResult(None, plan, plan.routed, plan.unplaced, dry_run=True)
    close_stopped_runs(new_uow, actor, BatchKind.ROUTING)
    batch_id, items = None, []
    routed = plan.routed
    if routed:
        stored = _stored(plan, routed)
        batch_id = open_batch(new_uow, actor, kind=BatchKind.ROUTING, now=clock(), plan=stored,
                              positions=len(routed), strategy="routing rules")
        items = _run(new_uow, actor, batch_id, stored, clock)
    applied = {item.lead_id for item in items if item.applied}
    left = plan.unplaced + [Refusal(item.lead_id, item.refused) for item in items if item.refused]
    result = RoutingResult(batch_id, plan, [r for r in routed if r.lead_id in applied], left)
    in_transaction(new_uow, lambda uow: uow.routing.record_run(
        actor.tenant_id, RoutingRun(clock(), len(result.placed), len(left), batch_id)))
    return result


def _stored(plan: RoutingPlan, routed: list[Routed]) -> dict[str, Any]:
    return {"rules": {str(o.rule.id): o.rule.name for o in plan.outcomes},
            "pointers": {str(o.rule.id): o.round_robin_after for o in plan.outcomes
                         if o.round_robin_after is not None},
            "placements": [[r.lead_id, r.agent_id, plan.lead_versions[r.lead_id], r.rule_id] for r in routed]}


def _run(new_uow: UnitOfWorkFactory, actor: Actor, batch_id: str, stored: dict[str, Any],
         clock: Callable[[], datetime]) -> list[BatchItem]:
    placements = [Planned(*row) for row in stored["placements"]]
    names = {int(rule_id): name for rule_id, name in stored["rules"].items()}
    shifts = in_transaction(new_uow, lambda uow: shift_table(uow, actor.tenant_id))
    items = run_plan(new_uow, actor, batch_id, BatchKind.ROUTING, placements,
                     _chunk_applier(actor, batch_id, names, shifts, clock), chunk=CHUNK,
                     lane_key=lambda planned: planned.agent_id)
    in_transaction(new_uow, lambda uow: _close(uow, actor, batch_id, stored))
    return items


def _close(uow: UnitOfWork, actor: Actor, batch_id: str, stored: dict[str, Any]) -> None:
    """Each round-robin rule resumes after the agent it served last (a row per rule)."""
    for rule_id, agent_id in stored["pointers"].items():
        uow.routing.set_pointer(actor.tenant_id, int(rule_id), agent_id)
    close_batch(uow, actor, batch_id, action="routing.ran", changed="assigned", refused="left")


Apply = Callable[[UnitOfWork, list[tuple[int, Planned]]], list[BatchItem]]


def _chunk_applier(actor: Actor, batch_id: str, names: dict[int, str], shifts: ShiftTable,
                   clock: Callable[[], datetime]) -> Apply:
    def apply(uow: UnitOfWork, todo: list[tuple[int, Planned]]) -> list[BatchItem]:
        return _apply_chunk(uow, actor, todo, batch_id, names, shifts, clock())
    return apply


def _apply_chunk(uow: UnitOfWork, actor: Actor, todo: list[tuple[int, Planned]], batch_id: str,
                 names: dict[int, str], shifts: ShiftTable, now: datetime) -> list[BatchItem]:
    """Lock the chunk's agents, claim its leads still new; place each lead still as planned
    with an agent who may still receive it (available, on shift, with room); leave the rest,
    each with why."""
    agent_ids = sorted({p.agent_id for _, p in todo})
    agents = {a.id: a for a in uow.agents.lock_states(actor.tenant_id, agent_ids)}
    # Asked again beside the locks: an agent who went away since the plan (their locked row)
    # or whose shift has ended by this chunk's time (the hours as the run began) gets nothing.
    working = shifts.on_shift(now, agent_ids)
    leads = {lead.id: lead for lead in uow.leads.claim_new(actor.tenant_id, [p.lead_id for _, p in todo])}
    items: list[BatchItem] = []
    notes: dict[int, str] = {}
    for position, (lead_id, agent_id, version, rule_id) in todo:
        lead, agent = leads.get(lead_id), agents.get(agent_id)
        if lead is None or lead.version != version:
            items.append(BatchItem(position, lead_id, refused=TAKEN.format(lead_id)))
        elif agent is None:
            items.append(BatchItem(position, lead_id, refused=f"Agent #{agent_id} no longer exists."))
        elif why := (why_not_routable(agent, on_shift=agent_id in working)
                     or why_agent_cannot_receive(agent, lead)):
            items.append(BatchItem(position, lead_id, refused=why))
        else:
            agents[agent_id] = agent.with_one_more_lead()
            notes[lead_id] = routed_by(names.get(rule_id, f"#{rule_id}"))
            items.append(BatchItem(position, lead_id, agent_id, lead.version + 1))
    placements = [Placement(i.lead_id, i.agent_id) for i in items if i.applied and i.agent_id is not None]
    write_assignments(uow, actor, placements, agent_names={a: state.name for a, state in agents.items()},
                      reasons=notes, notes=notes, batch_id=batch_id, now=now)
    return items
