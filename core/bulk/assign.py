"""Bulk assignment's plan: a preview that writes nothing (core.bulk.assign_commit applies it).

The plan is computed on a snapshot of the chosen leads and the agents in scope, by the pure
strategies of core.domain.placement; `moved_since` tells whether that snapshot still holds.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from core.domain.clock import utcnow
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Permission
from core.domain.placement import (
    Candidate,
    LeadShown,
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
from core.domain.rules import AgentState, why_lead_cannot_be_assigned
from core.gamification.standings import performance_scores
from core.ports import UnitOfWork
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
    why: dict[int, str] = field(default_factory=dict)  # lead id -> why its agent (performance)
    leads: dict[int, LeadShown] = field(default_factory=dict)  # lead id -> its name and score

    def load_after(self) -> dict[int, int]:
        added = Counter(p.agent_id for p in self.placed)
        return {a: s.open_leads + added.get(a, 0) for a, s in self.agents_before.items()}

    @property
    def receiving_agents(self) -> int:
        return len({p.agent_id for p in self.placed})


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
    if request.manual_agents:
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


def _performance(uow: UnitOfWork, tenant_id: int, agent_ids: list[int]) -> dict[int, float]:
    scores = performance_scores(uow, tenant_id, now=utcnow(), agent_ids=agent_ids)
    return {agent_id: performance.score for agent_id, performance in scores.items()}


def _why_performance(placed: list[Placement], candidates: list[Candidate], agents: dict[int, AgentState],
                     performance_of: dict[int, float]) -> dict[int, str]:
    """Per placed lead: its score, and the agent's performance and rank among those in the run."""
    score = {c.lead.id: c.score for c in candidates}
    order = sorted(agents, key=lambda i: (-performance_of.get(i, 0.0), i))
    rank = {agent_id: position for position, agent_id in enumerate(order, start=1)}
    return {p.lead_id: (f"lead score {score.get(p.lead_id, 0):.0f} → {agents[p.agent_id].name}, "
                        f"performance {performance_of.get(p.agent_id, 0):.0f} "
                        f"(#{rank[p.agent_id]} of {len(order)} agents in the run)")
            for p in placed}


@retry_on_conflict
def plan_bulk_assign(uow: UnitOfWork, actor: Actor, request: BulkRequest) -> BulkPlan:
    actor.require(Permission.BULK_OPERATIONS)
    _validate(request)
    with uow:
        snapshot = _snapshot(uow, actor, request)
        pointer = uow.bulk.round_robin_pointer(actor.tenant_id)
        by_performance = request.strategy == Strategy.PERFORMANCE
        performance_of = _performance(uow, actor.tenant_id, list(snapshot.agents)) if by_performance else {}
    not_new, placeable = [], []
    for candidate in snapshot.candidates:
        refusal = why_lead_cannot_be_assigned(candidate.lead)
        if refusal:
            not_new.append(Refusal(candidate.lead.id, refusal))
        else:
            placeable.append(candidate)
    placement = _place(request, snapshot.agents, placeable, pointer, performance_of)
    why = (_why_performance(placement.placed, placeable, snapshot.agents, performance_of)
           if by_performance else {})
    return BulkPlan(
        request=request, placed=placement.placed, why=why,
        unplaced=snapshot.missing + not_new + placement.unplaced, agents_before=snapshot.agents,
        lead_versions={c.lead.id: c.lead.version for c in snapshot.candidates},
        leads={c.lead.id: LeadShown(c.lead.name, c.score) for c in snapshot.candidates},
        round_robin_after=placement.round_robin_agent_id, round_robin_before=pointer,
    )


def moved_since(uow: UnitOfWork, actor: Actor, plan: BulkPlan) -> str | None:
    """None if the plan's snapshot still holds; else the sentence saying what moved."""
    agents = {a.id: a for a in uow.agents.states(actor.tenant_id) if a.id in plan.agents_before}
    changed_agents = [a for i, a in plan.agents_before.items() if agents.get(i) != a]
    changed_leads = _changed_leads(uow, actor.tenant_id, plan.lead_versions)
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


def _changed_leads(uow: UnitOfWork, tenant_id: int, planned: dict[int, int]) -> list[int]:
    """The planned leads whose version moved (or that are gone). Versions only grow, so the
    count and sum of the versions, read as a few aggregate rows, tell that none moved; only
    when one did are the versions read lead by lead, to say how many."""
    if uow.leads.version_sum(tenant_id, list(planned)) == (len(planned), sum(planned.values())):
        return []
    versions = uow.leads.versions(tenant_id, list(planned))
    return [i for i, v in planned.items() if versions.get(i) != v]
