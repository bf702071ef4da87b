"""Bulk assignment: plan (a preview that writes nothing), then commit in chunks.

The plan is computed on a snapshot; commit first checks the snapshot still holds and, if the
data moved, re-plans and returns the new plan instead of writing. It then applies the plan
in chunks of CHUNK leads, each a short transaction that locks its agents (by id) and leads,
re-checks the capacity rule on the locked rows and refuses what no longer fits.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from core.bulk.batches import open_batch
from core.domain.audit import AuditEntry
from core.domain.batches import BatchItem, BatchKind
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, RuleViolation
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Permission
from core.domain.placement import (
    Candidate,
    Placement,
    PlacementResult,
    Refusal,
    Strategy,
    least_loaded,
    manual,
    performance,
    round_robin,
    skills,
)
from core.domain.rules import AgentState, why_agent_cannot_receive, why_lead_cannot_be_assigned
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import retry_on_conflict

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
    placed: list[Placement]
    unplaced: list[Refusal]
    agents_before: dict[int, AgentState]
    lead_versions: dict[int, int]
    round_robin_after: int | None
    round_robin_before: int | None
    notice: str | None = None  # set when commit re-planned because the data moved

    def load_after(self) -> dict[int, int]:
        added = Counter(p.agent_id for p in self.placed)
        return {a: s.open_leads + added.get(a, 0) for a, s in self.agents_before.items()}

    @property
    def receiving_agents(self) -> int:
        return len({p.agent_id for p in self.placed})


@dataclass(frozen=True)
class BulkResult:
    batch_id: str
    assigned: int
    refused: list[Refusal]


def _in_scope(agent: AgentState, team: str, scope: AgentScope) -> bool:
    return ((not scope.teams or team in scope.teams)
            and (not scope.skill or scope.skill in agent.skills)
            and (not scope.agent_ids or agent.id in scope.agent_ids))


def _validate(request: BulkRequest) -> None:
    if not 1 <= request.limit <= MAX_LEADS:
        raise InvalidInput(f"A bulk run takes 1 to {MAX_LEADS:,} leads; split larger runs.")
    if len(request.lead_ids) > MAX_LEADS:
        raise InvalidInput(f"The file lists {len(request.lead_ids):,} leads; at most {MAX_LEADS:,} per run.")
    if not request.lead_ids and request.filters is None:
        raise InvalidInput("Choose the leads: by filters or by a file of lead ids.")
    if request.strategy == Strategy.MANUAL and not (request.manual_agent_id or request.manual_agents):
        raise InvalidInput("Manual assignment needs an agent, or an agent per lead in the file.")


@dataclass(frozen=True)
class _Snapshot:
    candidates: list[Candidate]
    missing: list[Refusal]
    agents: dict[int, AgentState]


def _snapshot(uow: UnitOfWork, actor: Actor, request: BulkRequest) -> _Snapshot:
    missing: list[Refusal] = []
    if request.lead_ids:
        found = {c.lead.id: c for c in uow.leads.candidates_by_id(actor.tenant_id, request.lead_ids)}
        missing = [Refusal(i, f"Lead #{i} does not exist in your tenant.") for i in request.lead_ids
                   if i not in found]
        candidates = [found[i] for i in dict.fromkeys(request.lead_ids) if i in found]
    else:
        filters = request.filters or LeadFilters()
        candidates = uow.leads.candidates(actor.tenant_id, filters.validated(), limit=request.limit)
    candidates = [replace(c, manual_agent_id=request.manual_agents.get(c.lead.id)) for c in candidates]
    teams = uow.agents.teams(actor.tenant_id)
    agents = {a.id: a for a in uow.agents.states(actor.tenant_id)
              if _in_scope(a, teams.get(a.id, ""), request.scope)}
    return _Snapshot(candidates, missing, agents)


def _place(request: BulkRequest, agents: dict[int, AgentState], candidates: list[Candidate],
           pointer: int | None, performance_of: dict[int, float]) -> PlacementResult:
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
    return {agent_id: counts.smoothed_rate
            for agent_id, counts in uow.agents.conversion_counts(tenant_id).items()}


@retry_on_conflict
def plan_bulk_assign(uow: UnitOfWork, actor: Actor, request: BulkRequest) -> BulkPlan:
    actor.require(Permission.BULK_OPERATIONS)
    _validate(request)
    with uow:
        snapshot = _snapshot(uow, actor, request)
        pointer = uow.bulk.round_robin_pointer(actor.tenant_id)
        by_performance = request.strategy == Strategy.PERFORMANCE
        performance_of = _performance(uow, actor.tenant_id) if by_performance else {}
    not_new, placeable = [], []
    for candidate in snapshot.candidates:
        refusal = why_lead_cannot_be_assigned(candidate.lead)
        if refusal:
            not_new.append(Refusal(candidate.lead.id, refusal))
        else:
            placeable.append(candidate)
    placement = _place(request, snapshot.agents, placeable, pointer, performance_of)
    return BulkPlan(
        request=request, placed=placement.placed,
        unplaced=snapshot.missing + not_new + placement.unplaced, agents_before=snapshot.agents,
        lead_versions={c.lead.id: c.lead.version for c in snapshot.candidates},
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


def commit_bulk_assign(new_uow: UnitOfWorkFactory, actor: Actor, plan: BulkPlan, *,
                       progress: Callable[[float], object] = lambda done: None) -> BulkResult | BulkPlan:
    """Apply the plan, or return a fresh plan (with `notice`) when the data has moved."""
    actor.require(Permission.BULK_OPERATIONS)
    with new_uow() as uow:
        notice = _moved(uow, actor, plan)
    if notice:
        return replace(plan_bulk_assign(new_uow(), actor, plan.request), notice=notice)
    if not plan.placed:
        raise RuleViolation("This plan places no lead; nothing to commit.")
    now, assigned = utcnow(), 0
    refused: list[Refusal] = []
    strategy = plan.request.strategy.value
    batch_id = open_batch(new_uow, actor, kind=BatchKind.BULK_ASSIGN, now=now, strategy=strategy)
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
            after={"strategy": strategy, "assigned": assigned,
                   "refused": len(refused) + len(plan.unplaced)},
        ))
        uow.commit()
    return BulkResult(batch_id, assigned, plan.unplaced + refused)


def _apply_chunk(uow: UnitOfWork, actor: Actor, plan: BulkPlan, chunk: list[Placement],
                 batch_id: str, now: datetime) -> tuple[int, list[Refusal]]:
    agents = {a.id: a for a in uow.agents.lock_states(actor.tenant_id, sorted({p.agent_id for p in chunk}))}
    leads = {lead.id: lead for lead in uow.leads.lock_states(actor.tenant_id,
                                                             sorted(p.lead_id for p in chunk))}
    accepted: list[BatchItem] = []
    refused: list[Refusal] = []
    for lead_id, agent_id in chunk:
        lead, agent = leads.get(lead_id), agents.get(agent_id)
        if lead is None or lead.version != plan.lead_versions.get(lead_id):
            refused.append(Refusal(lead_id, f"Lead #{lead_id} changed during the commit."))
        elif agent is None:
            refused.append(Refusal(lead_id, f"Agent #{agent_id} no longer exists."))
        elif why := why_agent_cannot_receive(agent, lead):
            refused.append(Refusal(lead_id, why))
        else:
            agents[agent_id] = replace(agent, open_leads=agent.open_leads + 1)
            accepted.append(BatchItem(lead_id, agent_id, lead.version + 1))
    if accepted:
        placements = [Placement(item.lead_id, item.agent_id) for item in accepted]
        uow.leads.assign_many(placements, now=now)
        uow.agents.add_open_leads(Counter(item.agent_id for item in accepted))
        uow.assignments.start_many(tenant_id=actor.tenant_id, placements=placements,
                                   by_user_id=actor.user_id, now=now, batch_id=batch_id)
        uow.bulk.add_items(batch_id, accepted)
        uow.audit.append_many([AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="lead.assigned", entity_type="lead", entity_id=str(item.lead_id),
            before={"status": "new", "agent_id": None},
            after={"status": "assigned", "agent_id": item.agent_id, "agent": agents[item.agent_id].name},
            reason=f"bulk {plan.request.strategy.value}", batch_id=batch_id,
        ) for item in accepted])
    return len(accepted), refused
