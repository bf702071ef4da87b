"""Bulk assignment: plan (a preview that writes nothing), commit in chunks, undo a batch.

The plan is computed on a snapshot; commit first checks the snapshot still holds and, if the
data moved, re-plans and returns the new plan instead of writing. It then applies the plan
in chunks of CHUNK leads, each a short transaction that locks its agents (by id) and leads,
re-checks the capacity rule on the locked rows and refuses what no longer fits.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from core.audit import AuditEntry
from core.batches import open_batch
from core.bulk_strategies import (
    Candidate,
    Placement,
    Strategy,
    least_loaded,
    manual,
    performance,
    round_robin,
    skills,
)
from core.clock import utcnow
from core.errors import InvalidInput, NotFound, RuleViolation
from core.identity import Actor
from core.leads import LeadFilters
from core.permissions import Permission
from core.ports import UnitOfWork
from core.rules import AgentState, why_agent_cannot_receive, why_lead_cannot_be_assigned

CHUNK = 500
MAX_LEADS = 10_000


@dataclass(frozen=True)
class AgentScope:
    """Which agents take part: a team, a skill, or hand-picked ids (empty = everyone)."""

    teams: tuple[str, ...] = ()
    skill: str | None = None
    agent_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class BulkRequest:
    strategy: Strategy
    filters: LeadFilters | None = None
    limit: int = 500
    lead_ids: tuple[int, ...] = ()            # from an uploaded file, instead of filters
    manual_agent_id: int | None = None
    manual_agents: dict[int, int] = field(default_factory=dict)  # lead id -> agent id (CSV)
    scope: AgentScope = AgentScope()


@dataclass(frozen=True)
class BulkPlan:
    request: BulkRequest
    placed: list[tuple[int, int]]
    unplaced: list[tuple[int, str]]
    agents_before: dict[int, AgentState]
    lead_versions: dict[int, int]
    round_robin_after: int | None
    round_robin_before: int | None
    notice: str | None = None  # set when commit re-planned because the data moved

    def load_after(self) -> dict[int, int]:
        added = Counter(agent_id for _, agent_id in self.placed)
        return {a: s.open_leads + added.get(a, 0) for a, s in self.agents_before.items()}


@dataclass(frozen=True)
class BulkResult:
    batch_id: str
    assigned: int
    refused: list[tuple[int, str]]


def _in_scope(agent: AgentState, team: str, scope: AgentScope) -> bool:
    return ((not scope.teams or team in scope.teams)
            and (not scope.skill or scope.skill in agent.skills)
            and (not scope.agent_ids or agent.id in scope.agent_ids))


def _validate(request: BulkRequest) -> None:
    if not 1 <= request.limit <= MAX_LEADS:
        raise InvalidInput(f"A bulk run takes 1 to {MAX_LEADS:,} leads; split larger runs.")
    if len(request.lead_ids) > MAX_LEADS:
        raise InvalidInput(f"The file lists {len(request.lead_ids):,} leads; at most {MAX_LEADS:,} per run.")
    if request.strategy == Strategy.MANUAL and not (request.manual_agent_id or request.manual_agents):
        raise InvalidInput("Manual assignment needs an agent, or an agent per lead in the file.")


def _snapshot(uow: UnitOfWork, actor: Actor, request: BulkRequest):
    if request.lead_ids:
        found = {c.lead.id: c for c in uow.leads.candidates_by_id(actor.tenant_id, request.lead_ids)}
        missing = [(i, f"Lead #{i} does not exist in your tenant.") for i in request.lead_ids
                   if i not in found]
        candidates = [found[i] for i in dict.fromkeys(request.lead_ids) if i in found]
    else:
        candidates = uow.leads.candidates(actor.tenant_id, request.filters.validated(),
                                          limit=request.limit)
        missing = []
    candidates = [replace(c, manual_agent_id=request.manual_agents.get(c.lead.id)) for c in candidates]
    teams = uow.agents.teams(actor.tenant_id)
    agents = {a.id: a for a in uow.agents.states(actor.tenant_id)
              if _in_scope(a, teams.get(a.id, ""), request.scope)}
    return candidates, missing, agents


def _place(request: BulkRequest, agents: dict[int, AgentState], candidates: list[Candidate],
           pointer: int | None, performance_of: dict[int, float]) -> Placement:
    pool = dict(agents)
    if request.strategy == Strategy.ROUND_ROBIN:
        return round_robin(pool, candidates, pointer)
    if request.strategy == Strategy.LEAST_LOADED:
        return least_loaded(pool, candidates)
    if request.strategy == Strategy.PERFORMANCE:
        return performance(pool, candidates, performance_of)
    if request.strategy == Strategy.SKILLS:
        return skills(pool, candidates)
    return manual(pool, candidates, request.manual_agent_id)


def _performance(uow: UnitOfWork, tenant_id: int) -> dict[int, float]:
    # Until gamification lands: smoothed conversion rate of each agent's closed leads.
    return {a: (won + 1) / (closed + 2) for a, (won, closed) in
            uow.agents.conversion_counts(tenant_id).items()}


def plan_bulk_assign(uow: UnitOfWork, actor: Actor, request: BulkRequest) -> BulkPlan:
    actor.require(Permission.BULK_OPERATIONS)
    _validate(request)
    with uow:
        candidates, missing, agents = _snapshot(uow, actor, request)
        pointer = uow.bulk.round_robin_pointer(actor.tenant_id)
        by_performance = request.strategy == Strategy.PERFORMANCE
        performance_of = _performance(uow, actor.tenant_id) if by_performance else {}
    not_new = [(c.lead.id, why_lead_cannot_be_assigned(c.lead)) for c in candidates
               if why_lead_cannot_be_assigned(c.lead)]
    placeable = [c for c in candidates if not why_lead_cannot_be_assigned(c.lead)]
    placement = _place(request, agents, placeable, pointer, performance_of)
    return BulkPlan(
        request=request, placed=placement.placed, unplaced=missing + not_new + placement.unplaced,
        agents_before=agents, lead_versions={c.lead.id: c.lead.version for c in candidates},
        round_robin_after=placement.round_robin_agent_id, round_robin_before=pointer,
    )


def _moved(uow: UnitOfWork, actor: Actor, plan: BulkPlan) -> str | None:
    agents = {a.id: a for a in uow.agents.states(actor.tenant_id) if a.id in plan.agents_before}
    changed_agents = [a for i, a in plan.agents_before.items() if agents.get(i) != a]
    versions = uow.leads.versions(actor.tenant_id, list(plan.lead_versions))
    changed_leads = [i for i, v in plan.lead_versions.items() if versions.get(i) != v]
    pointer_moved = (plan.request.strategy == Strategy.ROUND_ROBIN
                     and uow.bulk.round_robin_pointer(actor.tenant_id) != plan.round_robin_before)
    if not (changed_agents or changed_leads or pointer_moved):
        return None
    parts = []
    if changed_agents:
        names = ", ".join(a.name for a in changed_agents[:3]) + ("…" if len(changed_agents) > 3 else "")
        parts.append(f"{len(changed_agents)} agent(s) changed ({names})")
    if changed_leads:
        parts.append(f"{len(changed_leads)} lead(s) changed")
    if pointer_moved:
        parts.append("another round-robin run finished first")
    return ("The data moved since the preview: " + "; ".join(parts)
            + ". Here is the new plan: review it and commit again.")


def commit_bulk_assign(new_uow, actor: Actor, plan: BulkPlan, *,
                       progress=lambda done: None) -> BulkResult | BulkPlan:
    """Apply the plan, or return a fresh plan (with `notice`) when the data has moved."""
    actor.require(Permission.BULK_OPERATIONS)
    with new_uow() as uow:
        notice = _moved(uow, actor, plan)
    if notice:
        return replace(plan_bulk_assign(new_uow(), actor, plan.request), notice=notice)
    if not plan.placed:
        raise RuleViolation("This plan places no lead; nothing to commit.")
    now, refused, assigned = utcnow(), [], 0
    batch_id = open_batch(new_uow, actor, kind="bulk_assign", now=now,
                          strategy=plan.request.strategy.value)
    for start in range(0, len(plan.placed), CHUNK):
        chunk = plan.placed[start:start + CHUNK]
        with new_uow() as uow:
            done, chunk_refused = _apply_chunk(uow, actor, plan, chunk, batch_id, now)
            uow.commit()
        assigned += done
        refused += chunk_refused
        progress(min((start + CHUNK) / len(plan.placed), 1.0))
    with new_uow() as uow:
        uow.bulk.finish_batch(batch_id, changed=assigned, refused=len(refused) + len(plan.unplaced))
        if plan.request.strategy == Strategy.ROUND_ROBIN and plan.round_robin_after is not None:
            uow.bulk.set_round_robin_pointer(actor.tenant_id, plan.round_robin_after)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="bulk.assigned", entity_type="batch", entity_id=batch_id, batch_id=batch_id,
            after={"strategy": plan.request.strategy.value, "assigned": assigned,
                   "refused": len(refused) + len(plan.unplaced)},
        ))
        uow.commit()
    return BulkResult(batch_id, assigned, plan.unplaced + refused)


def _apply_chunk(uow: UnitOfWork, actor: Actor, plan: BulkPlan, chunk, batch_id: str, now):
    agents = {a.id: a for a in uow.agents.lock_states(actor.tenant_id, sorted({a for _, a in chunk}))}
    lead_ids = sorted(lead_id for lead_id, _ in chunk)
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id, lead_ids)}
    accepted, refused = [], []
    for lead_id, agent_id in chunk:
        lead, agent = leads.get(lead_id), agents.get(agent_id)
        why = (f"Lead #{lead_id} changed during the commit." if lead is None
               or lead.version != plan.lead_versions.get(lead_id) else None)
        why = why or (f"Agent #{agent_id} no longer exists." if agent is None else
                      why_agent_cannot_receive(agent, lead))
        if why:
            refused.append((lead_id, why))
            continue
        agents[agent_id] = replace(agent, open_leads=agent.open_leads + 1)
        accepted.append((lead_id, agent_id, lead.version + 1))
    if accepted:
        uow.leads.assign_many([(lead_id, agent_id) for lead_id, agent_id, _ in accepted], now=now)
        uow.agents.add_open_leads(Counter(agent_id for _, agent_id, _ in accepted))
        uow.assignments.start_many(tenant_id=actor.tenant_id,
                                   pairs=[(lead_id, agent_id) for lead_id, agent_id, _ in accepted],
                                   by_user_id=actor.user_id, now=now, batch_id=batch_id)
        uow.bulk.add_items(batch_id, accepted)
        uow.audit.append_many([AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="lead.assigned", entity_type="lead", entity_id=str(lead_id),
            before={"status": "new", "agent_id": None},
            after={"status": "assigned", "agent_id": agent_id, "agent": agents[agent_id].name},
            reason=f"bulk {plan.request.strategy.value}", batch_id=batch_id,
        ) for lead_id, agent_id, _ in accepted])
    return len(accepted), refused


@dataclass(frozen=True)
class UndoResult:
    undo_batch_id: str | None
    reverted: int
    blocked: list[tuple[int, str]]


def undo_batch(new_uow, actor: Actor, batch_id: str) -> UndoResult:
    """Revert a whole batch as a new audited change, only while none of its leads changed."""
    actor.require(Permission.BULK_OPERATIONS)
    with new_uow() as uow:
        batch = uow.bulk.batch(actor.tenant_id, batch_id)
        if batch is None:
            raise NotFound(f"Batch {batch_id} does not exist in your tenant.")
        if batch["undone_by_batch"]:
            raise RuleViolation(f"Batch {batch_id[:8]} was already undone.")
        items = uow.bulk.items(batch_id)
        versions = uow.leads.versions(actor.tenant_id, [lead_id for lead_id, _, _ in items])
    blocked = [(lead_id, f"Lead #{lead_id} changed after the batch; undo it by hand or leave it.")
               for lead_id, _, version in items if versions.get(lead_id) != version]
    if blocked:
        return UndoResult(None, 0, blocked)
    now, reverted = utcnow(), 0
    undo_id = open_batch(new_uow, actor, kind="undo", now=now)
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        with new_uow() as uow:
            lead_ids = sorted(i for i, _, _ in chunk)
            leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id, lead_ids)}
            still = [(i, a) for i, a, v in chunk if leads.get(i) and leads[i].version == v]
            blocked += [(i, f"Lead #{i} changed during the undo.") for i, _, v in chunk
                        if not (leads.get(i) and leads[i].version == v)]
            uow.agents.lock_states(actor.tenant_id, sorted({a for _, a in still}))
            uow.leads.unassign_many([i for i, _ in still], now=now)
            uow.agents.remove_open_leads(Counter(a for _, a in still))
            uow.assignments.end_many([i for i, _ in still], now=now)
            uow.audit.append_many([AuditEntry(
                tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
                action="lead.unassigned", entity_type="lead", entity_id=str(i),
                before={"status": "assigned", "agent_id": a}, after={"status": "new", "agent_id": None},
                reason=f"undo of batch {batch_id}", batch_id=undo_id) for i, a in still])
            uow.commit()
        reverted += len(still)
    with new_uow() as uow:
        uow.bulk.finish_batch(undo_id, changed=reverted, refused=len(blocked))
        uow.bulk.mark_undone(batch_id, by_batch=undo_id)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="bulk.undone", entity_type="batch", entity_id=batch_id, batch_id=undo_id,
            after={"reverted": reverted, "blocked": len(blocked)}))
        uow.commit()
    return UndoResult(undo_id, reverted, blocked)


def recent_batches(uow: UnitOfWork, actor: Actor, limit: int = 20):
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.bulk.recent(actor.tenant_id, limit)
