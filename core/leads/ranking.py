"""Which agents can take a lead, best first, each with the reason in a few words."""

from dataclasses import dataclass

from core.domain.clock import utcnow
from core.domain.errors import NotFound
from core.domain.identity import Actor
from core.domain.performance import Performance
from core.domain.permissions import Permission
from core.domain.placement import least_loaded_key
from core.domain.rules import AgentState, LeadState, why_agent_cannot_receive
from core.domain.vocabulary import CLOSED_STATUSES
from core.gamification.standings import performance_scores
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@dataclass(frozen=True)
class AgentOption:
    agent_id: int
    name: str
    eligible: bool
    why: str
    free_slots: int
    performance: float | None = None


def _option(agent: AgentState, lead: LeadState, performance: Performance | None) -> AgentOption:
    free = max(agent.max_capacity - agent.open_leads, 0)
    score = performance.score if performance else None
    refusal = why_agent_cannot_receive(agent, lead)
    if refusal:
        return AgentOption(agent.id, agent.name, False, refusal, free, score)
    parts = [f"{free} of {agent.max_capacity} free"]
    if lead.required_skill:
        parts.append(f"has {lead.required_skill}")
    if performance is not None:
        parts.append(f"performance {performance.score:.0f}")
    return AgentOption(agent.id, agent.name, True, " · ".join(parts), free, score)


@retry_on_conflict
def rank_agents_for_lead(uow: UnitOfWork, actor: Actor, lead_id: int, *,
                         performance: dict[int, Performance] | None = None) -> list[AgentOption]:
    """No agent for a closed lead. Otherwise eligible agents first, best performance first
    (then most free slots, then lowest utilization), then the rest. Loads and eligibility are
    read now; performance may come from the caller (a page keeps it a minute)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        lead = uow.leads.get(actor.tenant_id, lead_id)
        if lead is None:
            raise NotFound(f"Lead #{lead_id} does not exist in your tenant.")
        if lead.status in CLOSED_STATUSES:  # it keeps the agent who closed it; nobody receives it
            return []
        agents = [a for a in uow.agents.states(actor.tenant_id) if a.id != lead.agent_id]
        if performance is None:
            performance = performance_scores(uow, actor.tenant_id, now=utcnow())
    scores = performance

    def best_first(agent: AgentState) -> tuple[float, tuple[int, float, int]]:
        known = scores.get(agent.id)
        return (-(known.score if known else 0.0), least_loaded_key(agent))

    options = [_option(a, lead, scores.get(a.id)) for a in sorted(agents, key=best_first)]
    return [o for o in options if o.eligible] + [o for o in options if not o.eligible]
