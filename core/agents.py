"""Read use cases over agents: the capacity page's data."""

from core.capacity import AgentLoad, TeamTotals, team_totals
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork


def agent_capacity(uow: UnitOfWork, actor: Actor) -> tuple[list[AgentLoad], TeamTotals]:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        loads = uow.agents.loads(actor.tenant_id)
    return loads, team_totals(loads)
