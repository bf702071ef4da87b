"""Which agents can take a lead, best first, each with the reason in a few words."""

from dataclasses import dataclass

from core.domain.errors import NotFound
from core.domain.identity import Actor
from core.domain.performance import ConversionCount
from core.domain.permissions import Permission
from core.domain.placement import least_loaded_key
from core.domain.rules import AgentState, LeadState, why_agent_cannot_receive
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

NO_CLOSED_LEADS = ConversionCount(0, 0)


@dataclass(frozen=True)
class AgentOption:
    agent_id: int
    name: str
    eligible: bool
    why: str
    free_slots: int


def _option(agent: AgentState, lead: LeadState, counts: dict[int, ConversionCount]) -> AgentOption:
    free = max(agent.max_capacity - agent.open_leads, 0)
    refusal = why_agent_cannot_receive(agent, lead)
    if refusal:
        return AgentOption(agent.id, agent.name, False, refusal, free)
    parts = [f"{free} of {agent.max_capacity} free"]
    if lead.required_skill:
        parts.append(f"has {lead.required_skill}")
    parts.append(counts.get(agent.id, NO_CLOSED_LEADS).describe())
    return AgentOption(agent.id, agent.name, True, " · ".join(parts), free)


@retry_on_conflict
def agent_conversion_counts(uow: UnitOfWork, actor: Actor) -> dict[int, ConversionCount]:
    """Closed and converted leads per agent of the actor's tenant: a scan of every closed lead,
    so pages keep it a few minutes (it moves only as leads close)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.agents.conversion_counts(actor.tenant_id)


@retry_on_conflict
def rank_agents_for_lead(uow: UnitOfWork, actor: Actor, lead_id: int, *,
                         conversion_counts: dict[int, ConversionCount] | None = None
                         ) -> list[AgentOption]:
    """Eligible agents first (most free slots, then lowest utilization), then the rest.
    Loads and eligibility are read now; conversion counts may come from the caller."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        lead = uow.leads.get(actor.tenant_id, lead_id)
        if lead is None:
            raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
        agents = [a for a in uow.agents.states(actor.tenant_id) if a.id != lead.agent_id]
        counts = (conversion_counts if conversion_counts is not None
                  else uow.agents.conversion_counts(actor.tenant_id))
    options = [_option(a, lead, counts) for a in sorted(agents, key=least_loaded_key)]
    return [o for o in options if o.eligible] + [o for o in options if not o.eligible]
