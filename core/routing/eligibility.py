"""Which agents may receive routed leads now: the one place that decides it.

An agent receives routed leads only while available (not busy, away or offline: from the moment
the availability changes) AND on their team's shift now (the team's weekly hours in the
tenant's time zone, docs/sla-and-hours.md; a team without hours is always on shift). Runs, dry
runs, on-arrival routing, the rules page's preview and the SLA re-route all read it here; each
chunk a run writes asks `why_not_routable` again on its locked rows.
"""

from dataclasses import dataclass
from datetime import datetime

from core.domain.routing import LeftOut
from core.domain.rules import AgentState
from core.domain.sla import why_agent_gets_no_routed_leads
from core.domain.vocabulary import Availability
from core.ports import UnitOfWork
from core.sla.shifts import on_shift_agent_ids_in


@dataclass(frozen=True)
class RoutingPool:
    agents: dict[int, AgentState]   # may receive routed leads now, by id
    left_out: dict[int, LeftOut]    # the tenant's other agents, by id


def why_not_routable(agent: AgentState, *, on_shift: bool) -> str | None:
    """The sentence that keeps the agent out of routing now, or None."""
    return why_agent_gets_no_routed_leads(agent, on_shift=on_shift)


def routing_pool(uow: UnitOfWork, tenant_id: int, now: datetime) -> RoutingPool:
    """The tenant's agents split at `now`: those routing may place leads with, and the rest."""
    working = on_shift_agent_ids_in(uow, tenant_id, now)
    agents: dict[int, AgentState] = {}
    left_out: dict[int, LeftOut] = {}
    for agent in uow.agents.states(tenant_id):
        why = why_not_routable(agent, on_shift=agent.id in working)
        if why is None:
            agents[agent.id] = agent
        else:
            off_shift = agent.availability == Availability.AVAILABLE  # the one other reason
            left_out[agent.id] = LeftOut(agent, off_shift, why)
    return RoutingPool(agents, left_out)


def routable_agents(uow: UnitOfWork, tenant_id: int, now: datetime) -> dict[int, AgentState]:
    """The tenant's agents who may receive routed leads at `now`, by id."""
    return routing_pool(uow, tenant_id, now).agents
