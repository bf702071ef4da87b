"""Planning a bulk assignment: each strategy's plan, what cannot be placed and why, and that
a preview writes nothing."""

import pytest

from core.bulk.assign import AgentScope, BulkRequest, plan_bulk_assign
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.placement import Placement, Refusal, Strategy
from tests.unit.builders import MANAGER, SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team


@pytest.mark.parametrize("strategy, placed", [
    (Strategy.LEAST_LOADED, [(1, 11), (2, 10), (3, 11)]),
    (Strategy.ROUND_ROBIN, [(1, 10), (2, 11), (3, 11)]),
    (Strategy.PERFORMANCE, [(1, 10), (2, 10), (3, 11)]),  # Ana converts best: she fills first
    (Strategy.SKILLS, [(3, 11), (1, 10), (2, 11)]),
    (Strategy.MANUAL, [(1, 11), (2, 11), (3, 11)]),
])
def test_each_strategy_plans_the_new_leads_best_score_first_and_writes_nothing(strategy, placed):
    uow = team()
    before = uow.store.snapshot()
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(strategy, NEW_LEADS, manual_agent_id=11))
    assert plan.placed == [Placement(*p) for p in placed] and plan.unplaced == []
    assert uow.store == before


def test_the_plan_shows_each_agents_load_before_and_after():
    plan = plan_bulk_assign(team(), SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS))
    assert plan.load_after() == {10: 2, 11: 2, 12: 0} and plan.receiving_agents == 2
    assert plan.lead_versions == {1: 1, 2: 1, 3: 1}


def test_leads_that_cannot_be_placed_are_reported_with_why():
    request = BulkRequest(Strategy.LEAST_LOADED, lead_ids=(3, 4, 99, 9, 1),
                          scope=AgentScope(agent_ids=(10,)))
    plan = plan_bulk_assign(team(), SUPERVISOR, request)
    assert plan.placed == [Placement(1, 10)]
    assert plan.unplaced == [
        Refusal(99, "Lead #99 does not exist in your tenant."),
        Refusal(9, "Lead #9 does not exist in your tenant."),
        Refusal(4, "Lead #4 is already assigned: use reassign to move it."),
        Refusal(3, "No agent in this run has skill spanish.")]


@pytest.mark.parametrize("scope, agents", [
    (AgentScope(teams=("North",)), {10, 12}),
    (AgentScope(skill="spanish"), {11}),
    (AgentScope(agent_ids=(11, 12)), {11, 12}),
])
def test_the_scope_chooses_which_agents_take_part(scope, agents):
    plan = plan_bulk_assign(team(), SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS, scope=scope))
    assert set(plan.agents_before) == agents
    assert {p.agent_id for p in plan.placed} <= agents


def test_a_manual_file_gives_each_lead_its_own_agent():
    request = BulkRequest(Strategy.MANUAL, lead_ids=(1, 2), manual_agents={1: 10, 2: 11})
    assert plan_bulk_assign(team(), SUPERVISOR, request).placed == [Placement(1, 10), Placement(2, 11)]


@pytest.mark.parametrize("request_, message", [
    (BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS, limit=0), "takes 1 to 10,000 leads"),
    (BulkRequest(Strategy.LEAST_LOADED, lead_ids=tuple(range(10_001))), "at most 10,000 per run"),
    (BulkRequest(Strategy.LEAST_LOADED), "Choose the leads"),
    (BulkRequest(Strategy.MANUAL, NEW_LEADS), "Manual assignment needs an agent"),
])
def test_a_request_that_cannot_be_planned_is_refused(request_, message):
    with pytest.raises(InvalidInput, match=message):
        plan_bulk_assign(team(), SUPERVISOR, request_)


def test_managers_may_not_plan_bulk_runs():
    with pytest.raises(PermissionDenied):
        plan_bulk_assign(team(), MANAGER, BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS))
