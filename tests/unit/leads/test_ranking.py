"""Which agents can take a lead: eligible ones first, best performance first, each with why."""

import pytest

from core.domain.errors import NotFound
from core.domain.performance import Performance
from core.domain.vocabulary import Availability, LeadStatus
from core.leads.ranking import rank_agents_for_lead
from tests.unit.builders import MANAGER, OTHER_TENANT, agent, lead
from tests.unit.fakes import FakeUnitOfWork


def team() -> FakeUnitOfWork:
    return FakeUnitOfWork(
        agents=[agent(10, "Ana Ruiz", open_leads=1, max_capacity=4, skills=("spanish",)),
                agent(11, "Bo Lin", open_leads=2, max_capacity=8, skills=("spanish",)),
                agent(12, "Cy Fox", open_leads=0, max_capacity=8, availability=Availability.AWAY),
                agent(13, "Di Roe", skills=("sales",)),
                agent(14, "Ed Ng", open_leads=5, max_capacity=5, skills=("spanish",))],
        leads=[lead(1, skill="spanish"), lead(2, status=LeadStatus.CONVERTED, agent_id=10),
               lead(3, status=LeadStatus.LOST, agent_id=10),
               lead(4, status=LeadStatus.CONVERTED, agent_id=11),
               lead(5, status=LeadStatus.ASSIGNED, agent_id=11, skill="spanish")])


def test_eligible_agents_come_first_best_performance_first_each_with_why():
    options = rank_agents_for_lead(team(), MANAGER, 1)
    # Bo Lin converted 1 of 1, Ana Ruiz 1 of 2: (1+2)/(1+10) beats (1+2)/(2+10).
    assert [(o.name, o.eligible) for o in options] == [
        ("Bo Lin", True), ("Ana Ruiz", True), ("Di Roe", False), ("Cy Fox", False), ("Ed Ng", False)]
    assert options[0].why == "6 of 8 free · has spanish · performance 47"
    assert options[1].why == "3 of 4 free · has spanish · performance 44"
    assert options[2].why == "Di Roe lacks skill spanish, which lead #1 requires."
    assert options[3].why == "Cy Fox is away: only available agents receive leads."
    assert options[4].why == "Ed Ng is full: 5 of 5 open leads."


def test_the_agent_who_holds_the_lead_is_not_offered_it_again():
    assert "Bo Lin" not in [o.name for o in rank_agents_for_lead(team(), MANAGER, 5)]


def test_performance_given_by_the_caller_decides_the_order():
    given = {10: Performance(90.0, 90.0, 90.0), 11: Performance(10.0, 10.0, 10.0)}
    options = rank_agents_for_lead(team(), MANAGER, 1, performance=given)
    assert [o.name for o in options[:2]] == ["Ana Ruiz", "Bo Lin"]
    assert options[0].why.endswith("performance 90") and options[0].performance == 90.0


def test_a_lead_of_another_tenant_is_not_found():
    with pytest.raises(NotFound, match="Lead #1 does not exist in your tenant"):
        rank_agents_for_lead(team(), OTHER_TENANT, 1)
