"""The capacity rule and the lead lifecycle (DESIGN.md §3), as pure functions.

Each returns the sentence that refuses, or None when the change is allowed, so the same
check explains an agent's ineligibility on screen and refuses the write in a use case.
"""

from dataclasses import dataclass
from datetime import date

from core.domain.vocabulary import CLOSED_STATUSES, OPEN_STATUSES, Availability, LeadStatus


@dataclass(frozen=True)
class AgentState:
    id: int
    tenant_id: int
    name: str
    skills: frozenset[str]
    availability: Availability
    max_capacity: int
    open_leads: int
    version: int = 1


@dataclass(frozen=True)
class LeadState:
    id: int
    tenant_id: int
    name: str
    status: LeadStatus
    agent_id: int | None
    required_skill: str | None
    version: int = 1
    source: str | None = None      # the fields a bulk update may change, for its audit row
    due_date: date | None = None


# Forward steps a person may take with "change status"; `assigned` is reached by assigning.
NEXT_STATUS = {
    LeadStatus.ASSIGNED: LeadStatus.CONTACTED,
    LeadStatus.CONTACTED: LeadStatus.QUALIFIED,
    LeadStatus.QUALIFIED: LeadStatus.CONVERTED,
}


def why_agent_cannot_receive(agent: AgentState, lead: LeadState) -> str | None:
    """The capacity rule: availability, free capacity, skill, same tenant."""
    if agent.tenant_id != lead.tenant_id:
        return f"{agent.name} belongs to another tenant."
    if agent.availability != Availability.AVAILABLE:
        return f"{agent.name} is {agent.availability.value}: only available agents receive leads."
    if agent.open_leads >= agent.max_capacity:
        return f"{agent.name} is full: {agent.open_leads} of {agent.max_capacity} open leads."
    if lead.required_skill and lead.required_skill not in agent.skills:
        return f"{agent.name} lacks skill {lead.required_skill}, which lead #{lead.id} requires."
    return None


def why_lead_cannot_be_assigned(lead: LeadState) -> str | None:
    if lead.status == LeadStatus.NEW:
        return None
    if lead.status in CLOSED_STATUSES:
        return f"Lead #{lead.id} is {lead.status.value} and cannot be assigned."
    return f"Lead #{lead.id} is already {lead.status.value}: use reassign to move it."


def why_lead_cannot_be_reassigned(lead: LeadState, agent_id: int) -> str | None:
    if lead.status in CLOSED_STATUSES:
        return f"Lead #{lead.id} is {lead.status.value} and cannot be reassigned."
    if lead.status not in OPEN_STATUSES:
        return f"Lead #{lead.id} is new and has no agent yet: assign it instead."
    if lead.agent_id == agent_id:
        return f"Lead #{lead.id} is already with this agent."
    return None


def why_status_cannot_change(lead: LeadState, new_status: LeadStatus) -> str | None:
    if lead.status in CLOSED_STATUSES:
        return f"Lead #{lead.id} is {lead.status.value}: closed leads do not change status."
    if new_status == LeadStatus.LOST and lead.status in OPEN_STATUSES:
        return None
    if NEXT_STATUS.get(lead.status) == new_status:
        return None
    if lead.status == LeadStatus.NEW:
        return f"Lead #{lead.id} is new: assign it to an agent before changing its status."
    allowed = [s.value for s in (NEXT_STATUS.get(lead.status), LeadStatus.LOST) if s]
    return (f"Lead #{lead.id} cannot go from {lead.status.value} to {new_status.value}; "
            f"next allowed: {' or '.join(allowed)}.")


def allowed_next_statuses(status: LeadStatus) -> list[LeadStatus]:
    if status not in OPEN_STATUSES:
        return []
    return [NEXT_STATUS[status], LeadStatus.LOST]
