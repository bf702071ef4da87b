"""A routing run's plan: the snapshot it reads, and what the engine makes of it (writes nothing)."""

from collections.abc import Sequence
from datetime import datetime

from core.domain.clock import utcnow
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Permission
from core.domain.placement import Strategy
from core.domain.vocabulary import LeadStatus
from core.gamification.standings import performance_scores
from core.ports import UnitOfWork
from core.retry import retry_on_conflict
from core.routing.eligibility import routing_pool
from core.routing.engine import RoutingPlan, Snapshot, route

# New leads one run looks at, best score first: a run every minute takes the rest next time.
MAX_RUN = 10_000


def _snapshot(uow: UnitOfWork, actor: Actor, lead_ids: Sequence[int] | None, on_arrival: bool,
              now: datetime) -> Snapshot:
    tenant_id = actor.tenant_id
    rules = [r for r in uow.routing.rules(tenant_id)
             if r.spec.active and (r.spec.on_arrival or not on_arrival)]
    if lead_ids is None:
        leads = uow.leads.candidates(tenant_id, LeadFilters(statuses=(LeadStatus.NEW.value,)), limit=MAX_RUN)
    else:
        found = uow.leads.candidates_by_id(tenant_id, lead_ids)
        leads = sorted((c for c in found if c.lead.status == LeadStatus.NEW),
                       key=lambda c: (-c.score, c.lead.id))
    pool = routing_pool(uow, tenant_id, now)
    agents = pool.agents
    by_performance = any(r.spec.strategy == Strategy.PERFORMANCE for r in rules)
    performance_of = ({agent_id: p.score for agent_id, p in performance_scores(
        uow, tenant_id, now=now, agent_ids=list(agents)).items()} if by_performance and agents else {})
    return Snapshot(rules=rules, leads=leads, agents=agents, teams=uow.agents.teams(tenant_id),
                    thresholds=uow.scoring.current_settings(tenant_id).thresholds,
                    pointers=uow.routing.pointers(tenant_id), performance_of=performance_of,
                    left_out=pool.left_out)


@retry_on_conflict
def plan_routing(uow: UnitOfWork, actor: Actor, *, lead_ids: Sequence[int] | None = None,
                 on_arrival: bool = False, now: datetime | None = None) -> RoutingPlan:
    """Where the active rules would place the new leads at `now` (default: now; these leads
    only, if given; only the rules that route on arrival, if `on_arrival`)."""
    actor.require(Permission.BULK_OPERATIONS)
    with uow:
        snapshot = _snapshot(uow, actor, lead_ids, on_arrival, now or utcnow())
    return route(snapshot)
