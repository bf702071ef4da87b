"""The capacity page's figures: the actor's agents only, their loads and the team's totals."""

from core.agents.capacity import agent_capacity
from core.domain.vocabulary import Availability, LeadStatus
from tests.unit.builders import MANAGER, OTHER_TENANT, agent, lead, scored
from tests.unit.fakes import FakeUnitOfWork


def test_loads_are_the_tenants_agents_by_name_with_their_open_hot_leads_and_the_totals():
    uow = FakeUnitOfWork(
        agents=[agent(10, "Bo Lin", open_leads=2, max_capacity=4),
                agent(11, "Ana Ruiz", open_leads=1, max_capacity=4, availability=Availability.AWAY),
                agent(12, "Other Tenant", tenant_id=2)],
        leads=[lead(1, status=LeadStatus.CONTACTED, agent_id=10),
               lead(2, status=LeadStatus.ASSIGNED, agent_id=10),
               lead(3, status=LeadStatus.CONVERTED, agent_id=10)],
        lead_fields={1: scored(91), 2: scored(50), 3: scored(95)},
        teams={10: "North"})
    loads, totals = agent_capacity(uow, MANAGER)
    assert [(a.name, a.team, a.open_leads, a.open_hot_leads) for a in loads] == [
        ("Ana Ruiz", "", 1, 0), ("Bo Lin", "North", 2, 1)]
    assert (totals.agents, totals.agents_available, totals.open_leads, totals.free_slots) == (2, 1, 3, 2)
    assert [a.name for a in agent_capacity(uow, OTHER_TENANT)[0]] == ["Other Tenant"]
