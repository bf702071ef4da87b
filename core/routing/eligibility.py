"""Which agents may receive routed leads now: the one place that decides it.

Today an agent who is not available (busy, away, offline) receives nothing routed, at once.
Working hours plug in here (issue #19): an agent off their team's shift is left out too.
"""

from datetime import datetime

from core.domain.rules import AgentState
from core.domain.vocabulary import Availability
from core.ports import UnitOfWork


def why_not_routable(agent: AgentState, now: datetime) -> str | None:
    """The sentence that keeps the agent out of routing now, or None."""
    if agent.availability != Availability.AVAILABLE:
        return f"{agent.name} is {agent.availability.value}: routing places leads only with available agents."
    return None


def routable_agents(uow: UnitOfWork, tenant_id: int, now: datetime) -> dict[int, AgentState]:
    """The tenant's agents who may receive routed leads at `now`, by id."""
    return {agent.id: agent for agent in uow.agents.states(tenant_id) if why_not_routable(agent, now) is None}
