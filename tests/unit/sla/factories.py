"""A small tenant for the SLA tests: agents and assigned leads with their SLA facts."""

from datetime import datetime

from core.domain.rules import AgentState, LeadState
from core.domain.vocabulary import Availability, LeadStatus
from tests.unit.fakes import FakeUnitOfWork, LeadFields

ASSIGNED_AT = datetime(2026, 3, 2, 14, 45)  # a hot lead's 15-minute SLA runs out at 15:00


def agent(id: int, *, open_leads: int = 0, max_capacity: int = 10,
          availability: Availability = Availability.AVAILABLE,
          skills: tuple[str, ...] = ("sales",)) -> AgentState:
    return AgentState(id, 1, f"Agent {id}", frozenset(skills), availability, max_capacity, open_leads)


def assigned(id: int, agent_id: int, *, status: LeadStatus = LeadStatus.ASSIGNED) -> LeadState:
    return LeadState(id, 1, f"Lead {id}", status, agent_id, None)


def uow_with(agents: list[AgentState], leads: list[LeadState], *, category: str = "hot",
             assigned_at: datetime = ASSIGNED_AT, contacted_at: datetime | None = None) -> FakeUnitOfWork:
    fields = {lead.id: LeadFields(score_category=category, assigned_at=assigned_at,
                                  first_contact_at=contacted_at) for lead in leads}
    return FakeUnitOfWork(agents=agents, leads=leads, lead_fields=fields)
