"""Which agents can take a lead, best first, each with the reason in a few words."""

from dataclasses import dataclass

from core.errors import NotFound
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork
from core.rules import AgentState, LeadState, why_agent_cannot_receive


@dataclass(frozen=True)
class AgentOption:
    agent_id: int
    name: str
    eligible: bool
    why: str
    free_slots: int


def _conversion(converted: int, closed: int) -> str:
    return f"conversion {converted / closed:.0%}" if closed else "no closed leads yet"


def _option(agent: AgentState, lead: LeadState, rates: dict[int, tuple[int, int]]) -> AgentOption:
    free = max(agent.max_capacity - agent.open_leads, 0)
    refusal = why_agent_cannot_receive(agent, lead)
    if refusal:
        return AgentOption(agent.id, agent.name, False, refusal, free)
    parts = [f"{free} of {agent.max_capacity} free"]
    if lead.required_skill:
        parts.append(f"has {lead.required_skill}")
    parts.append(_conversion(*rates.get(agent.id, (0, 0))))
    return AgentOption(agent.id, agent.name, True, " · ".join(parts), free)


def agent_conversion_counts(uow: UnitOfWork, actor: Actor) -> dict[int, tuple[int, int]]:
    """(converted, closed) leads per agent of the actor's tenant: a scan of every closed lead,
    so pages keep it a few minutes (it moves only as leads close)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.agents.conversion_counts(actor.tenant_id)


def rank_agents_for_lead(uow: UnitOfWork, actor: Actor, lead_id: int, *,
                         conversion_counts: dict[int, tuple[int, int]] | None = None
                         ) -> list[AgentOption]:
    """Eligible agents first (most free slots, then lowest utilization), then the rest.
    Loads and eligibility are read now; conversion counts may come from the caller."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        lead = uow.leads.get(actor.tenant_id, lead_id)
        if lead is None:
            raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
        agents = [a for a in uow.agents.states(actor.tenant_id) if a.id != lead.agent_id]
        rates = (conversion_counts if conversion_counts is not None
                 else uow.agents.conversion_counts(actor.tenant_id))

    def order(agent: AgentState) -> tuple:
        utilization = agent.open_leads / agent.max_capacity if agent.max_capacity else 1.0
        return (-(agent.max_capacity - agent.open_leads), utilization, agent.id)

    options = [_option(a, lead, rates) for a in sorted(agents, key=order)]
    return [o for o in options if o.eligible] + [o for o in options if not o.eligible]
