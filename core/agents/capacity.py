"""Use cases over agents: the capacity page's data and editing capacity and availability."""

from dataclasses import dataclass

from core.domain.audit import AuditEntry
from core.domain.capacity import AgentLoad, TeamTotals, team_totals
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, NotFound, StaleView
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.vocabulary import MAX_CAPACITY_LIMIT, Availability
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


@retry_on_conflict
def agent_capacity(uow: UnitOfWork, actor: Actor) -> tuple[list[AgentLoad], TeamTotals]:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        loads = uow.agents.loads(actor.tenant_id)
    return loads, team_totals(loads)


@dataclass(frozen=True)
class CapacityChange:
    message: str
    over_capacity: bool


def _valid_capacity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise InvalidInput(f"Max capacity must be a whole number from 0 to {MAX_CAPACITY_LIMIT}.")
    if not 0 <= value <= MAX_CAPACITY_LIMIT:
        raise InvalidInput(
            f"Max capacity {int(value)} is out of range: use 0 to {MAX_CAPACITY_LIMIT}.")
    return int(value)


@retry_on_conflict
def set_agent_capacity(
    uow: UnitOfWork, actor: Actor, *, agent_id: int, max_capacity: object,
    availability: Availability | str, expected_version: int | None = None,
) -> CapacityChange:
    """Lowering below the current load is allowed; the agent then receives nothing until below."""
    actor.require(Permission.EDIT_AGENT_CAPACITY)
    capacity = _valid_capacity(max_capacity)
    try:
        chosen = Availability(availability)
    except ValueError:
        allowed = ", ".join(a.value for a in Availability)
        raise InvalidInput(f"Availability {availability!r} is unknown: use one of {allowed}.") from None
    with uow:
        agent = uow.agents.get(actor.tenant_id, agent_id, for_update=True)
        if agent is None:
            raise NotFound(f"Agent #{agent_id} does not exist in your tenant. Reload the page.")
        if expected_version is not None and agent.version != expected_version:
            raise StaleView(
                f"{agent.name} was changed by someone else since you loaded the page. "
                "Nothing was changed: reload and edit again."
            )
        if (capacity, chosen) == (agent.max_capacity, agent.availability):
            return CapacityChange(f"{agent.name}: nothing to change.", agent.open_leads > capacity)
        uow.agents.set_capacity(agent.id, max_capacity=capacity, availability=chosen,
                                lowered=capacity < agent.max_capacity, now=utcnow())
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="agent.capacity_changed", entity_type="agent", entity_id=str(agent.id),
            before={"max_capacity": agent.max_capacity, "availability": agent.availability.value},
            after={"max_capacity": capacity, "availability": chosen.value},
        ))
        uow.commit()
    over = agent.open_leads > capacity
    message = f"{agent.name}: max capacity {capacity}, {chosen.value}."
    if over:
        message += (f" {agent.name} holds {agent.open_leads} open leads, above the new capacity: "
                    "no new leads until below it.")
    return CapacityChange(message, over)
