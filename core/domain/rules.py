"""The capacity rule and the lead lifecycle (docs/design.md §3), as pure functions.

Each returns the sentence that refuses, or None when the change is allowed, so the same
check explains an agent's ineligibility on screen and refuses the write in a use case.
"""

from dataclasses import dataclass
from datetime import date, datetime

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

    def with_one_more_lead(self) -> "AgentState":
        """This agent with one more open lead: what a plan counts per placement (built
        directly: dataclasses.replace takes 1.7 µs, this 0.7 µs, 10 ms a 10,000-lead run)."""
        return AgentState(self.id, self.tenant_id, self.name, self.skills, self.availability,
                          self.max_capacity, self.open_leads + 1, self.version)


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
    assigned_at: datetime | None = None       # of the current assignment
    first_contact_at: datetime | None = None  # since the current assignment (gamification)


# The forward path. A person may move an open lead forward past steps (assigned -> converted),
# or close it as lost; `assigned` itself is reached by assigning, and `new` only by unassigning.
FORWARD = (LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.QUALIFIED, LeadStatus.CONVERTED)


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


def can_receive(agent: AgentState, lead: LeadState) -> bool:
    """`why_agent_cannot_receive(agent, lead) is None`, without writing the sentence: the
    strategies ask it for every agent they pass over, and only a lead left unplaced is told why."""
    return (agent.tenant_id == lead.tenant_id
            and agent.availability == Availability.AVAILABLE
            and agent.open_leads < agent.max_capacity
            and (not lead.required_skill or lead.required_skill in agent.skills))


def may_receive_more(agent: AgentState) -> bool:
    """Available and not full: an agent who is not may receive nothing more in a plan, which
    only ever adds load."""
    return agent.availability == Availability.AVAILABLE and agent.open_leads < agent.max_capacity


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
    if new_status in allowed_next_statuses(lead.status):
        return None
    if lead.status == LeadStatus.NEW:
        return (f"Lead #{lead.id} is new: assign it to an agent before changing its status, "
                "or close it as lost.")
    allowed = " or ".join(s.value for s in allowed_next_statuses(lead.status))
    if new_status == lead.status:
        return f"Lead #{lead.id} is already {new_status.value}; next allowed: {allowed}."
    return (f"Lead #{lead.id} cannot go back from {lead.status.value} to {new_status.value}; "
            f"next allowed: {allowed}.")


def allowed_next_statuses(status: LeadStatus) -> list[LeadStatus]:
    """Any later step of the forward path, or lost; a new lead may only be closed as lost."""
    if status == LeadStatus.NEW:
        return [LeadStatus.LOST]
    if status not in OPEN_STATUSES:
        return []
    return [*FORWARD[FORWARD.index(status) + 1:], LeadStatus.LOST]
