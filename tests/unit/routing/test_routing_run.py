"""Routing runs over the fake unit of work: rule order and fall-through, what a run writes,
round robin that stays fair across roster changes, least loaded evenness, dry runs, undo."""

from dataclasses import replace

import pytest

from core.bulk.undo import undo_batch
from core.domain.batches import BatchKind
from core.domain.clock import utcnow
from core.domain.errors import PermissionDenied
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.domain.vocabulary import Availability, LeadStatus
from core.routing.engine import NO_RULE
from core.routing.run import run_routing
from tests.unit.builders import ADMIN, MANAGER, SUPERVISOR, agent, lead, scored, user_of
from tests.unit.fakes import FakeUnitOfWork

HOT_WEBSITE = RuleSpec("Hot website leads", sources=("website",), categories=("hot",), teams=("sales",))
ANY_TO_SUPPORT = RuleSpec("Anything to support", teams=("support",))


def center(*, sales_capacity: int = 5, support_capacity: int = 5, leads: int = 4,
           source: str = "website", score: float = 90) -> FakeUnitOfWork:
    uow = FakeUnitOfWork(
        users=[user_of(SUPERVISOR), user_of(ADMIN)],
        agents=[agent(10, "Sal", max_capacity=sales_capacity),
                agent(20, "Sue", max_capacity=support_capacity)],
        teams={10: "sales", 20: "support"},
        leads=[lead(i) for i in range(1, leads + 1)],
        lead_fields={i: scored(score - i, source=source) for i in range(1, leads + 1)})
    return uow


def rules(uow: FakeUnitOfWork, *specs: RuleSpec) -> list[int]:
    return [uow.routing.add_rule(1, spec, by_user_id=None, now=utcnow()) for spec in specs]


def agents_of(uow: FakeUnitOfWork, *ids: int) -> list[int | None]:
    return [uow.leads.rows[i].agent_id for i in ids]


def test_the_first_matching_rule_that_can_place_a_lead_gets_it():
    uow = center()
    rules(uow, HOT_WEBSITE, ANY_TO_SUPPORT)
    result = run_routing(lambda: uow, SUPERVISOR)
    assert agents_of(uow, 1, 2, 3, 4) == [10, 10, 10, 10]
    assert {r.rule_id for r in result.placed} == {uow.routing.rules(1)[0].id}
    assert result.left == []


def test_a_rule_that_matches_but_cannot_place_passes_the_lead_on_to_the_next_rule():
    uow = center(sales_capacity=1)
    rules(uow, HOT_WEBSITE, ANY_TO_SUPPORT)
    result = run_routing(lambda: uow, SUPERVISOR)
    assert agents_of(uow, 1, 2, 3, 4) == [10, 20, 20, 20]  # best score first to the first rule
    first = result.plan.outcomes[0]
    assert [r.lead_id for r in first.passed_on] == [2, 3, 4]
    assert "Sal is full: 1 of 1 open leads." in first.passed_on[0].why


def test_a_lead_no_rule_can_place_is_left_with_every_rules_reason():
    uow = center(sales_capacity=1, support_capacity=1, leads=3)
    rules(uow, HOT_WEBSITE, ANY_TO_SUPPORT)
    result = run_routing(lambda: uow, SUPERVISOR)
    assert [r.lead_id for r in result.left] == [3]
    assert result.left[0].why == ("rule 'Hot website leads': Sal is full: 1 of 1 open leads.; "
                                  "rule 'Anything to support': Sue is full: 1 of 1 open leads.")
    assert uow.leads.rows[3].status == LeadStatus.NEW


def test_a_lead_no_active_rule_matches_is_left_and_says_so():
    uow = center(source="referral")
    rules(uow, HOT_WEBSITE, replace(ANY_TO_SUPPORT, active=False))
    result = run_routing(lambda: uow, SUPERVISOR)
    assert result.placed == [] and [r.why for r in result.left] == [NO_RULE] * 4
    assert uow.bulk.batches == {}  # nothing placed: no batch
    assert uow.routing.last_run(1).placed == 0 and uow.routing.last_run(1).left == 4


def test_agents_away_or_offline_receive_no_routed_lead():
    uow = center()
    uow.agents.rows[10] = replace(uow.agents.rows[10], availability=Availability.AWAY)
    rules(uow, HOT_WEBSITE, ANY_TO_SUPPORT)
    run_routing(lambda: uow, SUPERVISOR)
    assert agents_of(uow, 1, 2, 3, 4) == [20, 20, 20, 20]


def test_a_run_is_a_batch_with_the_rule_named_in_the_history_and_the_audit_and_is_undone_like_a_bulk_run():
    uow = center(leads=2)
    rules(uow, HOT_WEBSITE)
    result = run_routing(lambda: uow, SUPERVISOR)
    batch = uow.bulk.batch(1, result.batch_id)
    assert (batch.kind, batch.leads_changed) == (BatchKind.ROUTING, 2)
    assert [a["note"] for a in uow.assignments.assignments] == ["routed by rule 'Hot website leads'"] * 2
    assigned = [e for e in uow.audit.entries if e.action == "lead.assigned"]
    assert [e.reason for e in assigned] == ["routed by rule 'Hot website leads'"] * 2
    assert uow.agents.rows[10].open_leads == 2
    undone = undo_batch(lambda: uow, SUPERVISOR, result.batch_id)
    assert undone.reverted == 2 and agents_of(uow, 1, 2) == [None, None]
    assert uow.agents.rows[10].open_leads == 0


def test_a_second_run_finds_nothing_left_to_place():
    uow = center()
    rules(uow, HOT_WEBSITE)
    run_routing(lambda: uow, SUPERVISOR)
    again = run_routing(lambda: uow, SUPERVISOR)
    assert again.placed == [] and again.batch_id is None
    assert uow.agents.rows[10].open_leads == 4


def test_a_dry_run_plans_and_writes_nothing():
    uow = center()
    rules(uow, HOT_WEBSITE)
    before = uow.store.snapshot()
    result = run_routing(lambda: uow, SUPERVISOR, dry_run=True)
    assert len(result.placed) == 4 and result.dry_run
    assert uow.store == before


def test_a_manager_may_not_run_routing():
    with pytest.raises(PermissionDenied):
        run_routing(lambda: center(), MANAGER)


def _three_agents() -> FakeUnitOfWork:
    return FakeUnitOfWork(agents=[agent(i, max_capacity=100) for i in (1, 2, 3)],
                          teams={1: "s", 2: "s", 3: "s"})


def _arrive(uow: FakeUnitOfWork, count: int) -> list[int]:
    start = max(uow.leads.rows, default=0) + 1
    ids = list(range(start, start + count))
    for i in ids:
        uow.leads.rows[i] = lead(i)
        uow.store.lead_fields[i] = scored(50)
    return ids


def _route(uow: FakeUnitOfWork, ids: list[int]) -> list[int | None]:
    run_routing(lambda: uow, ADMIN)
    return [uow.leads.rows[i].agent_id for i in ids]


def test_round_robin_resumes_where_it_left_off_after_an_agent_is_removed_and_added_back():
    uow = _three_agents()
    rules(uow, RuleSpec("Turns", strategy=Strategy.ROUND_ROBIN))
    assert _route(uow, _arrive(uow, 2)) == [1, 2]
    uow.agents.rows[3] = replace(uow.agents.rows[3], availability=Availability.OFFLINE)  # removed
    assert _route(uow, _arrive(uow, 1)) == [1]      # next after 2, skipping 3, wrapping
    uow.agents.rows[3] = replace(uow.agents.rows[3], availability=Availability.AVAILABLE)  # back
    assert _route(uow, _arrive(uow, 4)) == [2, 3, 1, 2]  # not a reset to agent 1
    assert uow.routing.pointers(1) == {uow.routing.rules(1)[0].id: 2}


def test_round_robin_pointers_are_per_rule():
    uow = _three_agents()
    first, second = rules(uow, RuleSpec("A", sources=("website",), strategy=Strategy.ROUND_ROBIN),
                          RuleSpec("B", sources=("referral",), strategy=Strategy.ROUND_ROBIN))
    ids = _arrive(uow, 2)
    uow.store.lead_fields[ids[1]] = scored(50, source="referral")
    assert _route(uow, ids) == [1, 1]
    assert uow.routing.pointers(1) == {first: 1, second: 1}


def test_thirty_leads_over_three_equal_agents_by_least_loaded_come_out_ten_each():
    uow = _three_agents()
    rules(uow, RuleSpec("Even", strategy=Strategy.LEAST_LOADED))
    ids = _arrive(uow, 30)
    placed = _route(uow, ids)
    assert sorted(placed.count(a) for a in (1, 2, 3)) == [10, 10, 10]
    assert [uow.agents.rows[a].open_leads for a in (1, 2, 3)] == [10, 10, 10]


def test_the_next_run_closes_a_run_that_stopped_part_way_so_that_check_passes_and_it_may_be_undone():
    from core.domain.batches import BatchState

    uow = center(leads=2)
    rules(uow, HOT_WEBSITE)
    uow.bulk.add_batch("dead-run", tenant_id=1, kind=BatchKind.ROUTING, strategy="routing rules",
                       by_user_id=None, now=utcnow(), plan="{}", planned=5)
    uow.bulk.mark_interrupted("dead-run")
    run_routing(lambda: uow, SUPERVISOR)
    assert uow.bulk.batch(1, "dead-run").state == BatchState.COMPLETE
    closing = [e for e in uow.audit.entries if e.entity_id == "dead-run"]
    assert [e.action for e in closing] == ["routing.ran"]
    run_routing(lambda: uow, SUPERVISOR, dry_run=True)  # a dry run writes nothing, closes nothing


def test_a_run_plans_and_writes_with_the_cycle_collector_paused(monkeypatch):
    import gc

    from core.routing import planning
    from core.routing import run as routing_run
    uow = center()
    rules(uow, HOT_WEBSITE)
    seen = []
    plan, apply_chunk = planning.route, routing_run._apply_chunk

    def planned(snapshot):
        seen.append(("plan", gc.isenabled()))
        return plan(snapshot)

    def applied(*args):
        seen.append(("write", gc.isenabled()))
        return apply_chunk(*args)

    monkeypatch.setattr(planning, "route", planned)
    monkeypatch.setattr(routing_run, "_apply_chunk", applied)
    gc.enable()
    run_routing(lambda: uow, SUPERVISOR)
    assert seen == [("plan", False), ("write", False)] and gc.isenabled()
