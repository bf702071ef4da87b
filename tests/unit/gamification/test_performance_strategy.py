"""The `performance` bulk strategy places the hottest leads with the best performers, by the
performance score, and its preview says so per lead."""

from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.domain.leads import LeadFilters
from core.domain.placement import Strategy
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import SUPERVISOR, agent, lead, scored
from tests.unit.fakes import FakeUnitOfWork


def test_the_hottest_leads_go_to_the_top_performers_and_the_preview_says_why():
    closed = [lead(100 + i, status=LeadStatus.CONVERTED, agent_id=11) for i in range(8)]
    closed += [lead(200 + i, status=LeadStatus.LOST, agent_id=10) for i in range(8)]
    uow = FakeUnitOfWork(
        agents=[agent(10, "Weak Wu", max_capacity=1), agent(11, "Star Sol", max_capacity=1)],
        leads=[lead(1), lead(2), *closed],
        lead_fields={1: scored(55), 2: scored(91)})
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(
        strategy=Strategy.PERFORMANCE, filters=LeadFilters(statuses=("new",))))
    assert [(p.lead_id, p.agent_id) for p in plan.placed] == [(2, 11), (1, 10)]
    assert plan.why[2] == "lead score 91 → Star Sol, performance 62 (#1 of 2 agents in the run)"
    assert plan.why[1].startswith("lead score 55 → Weak Wu, performance ")
    assert plan.why[1].endswith("(#2 of 2 agents in the run)")
