"""One small team and its leads, shared by the bulk tests."""

from core.domain.leads import LeadFilters
from core.domain.vocabulary import Availability, LeadStatus
from tests.unit.builders import SUPERVISOR, agent, lead, scored, user_of
from tests.unit.fakes import FakeUnitOfWork

NEW_LEADS = LeadFilters(statuses=("new",))


def team() -> FakeUnitOfWork:
    """Ana (1 of 3, sales), Bo (0 of 3, sales and spanish), Cy (away); new leads 1-3 scored
    90, 70 and 50 (3 needs spanish); Ana converted 1 of 1 closed lead, Bo 1 of 2."""
    return FakeUnitOfWork(
        users=[user_of(SUPERVISOR)],
        agents=[agent(10, "Ana Ruiz", open_leads=1, max_capacity=3),
                agent(11, "Bo Lin", max_capacity=3, skills=("sales", "spanish")),
                agent(12, "Cy Fox", availability=Availability.AWAY)],
        leads=[lead(1), lead(2), lead(3, skill="spanish"), lead(4, status=LeadStatus.ASSIGNED, agent_id=10),
               lead(6, status=LeadStatus.CONVERTED, agent_id=10),
               lead(7, status=LeadStatus.LOST, agent_id=11),
               lead(8, status=LeadStatus.CONVERTED, agent_id=11), lead(9, tenant_id=2)],
        lead_fields={1: scored(90), 2: scored(70), 3: scored(50)},
        teams={10: "North", 11: "South", 12: "North"})
