"""Committing a bulk assignment: what it writes, re-planning when the data moved since the
preview, and the capacity rule re-checked on the rows as they are at commit."""

from dataclasses import replace

import pytest

from core.agents.capacity import set_agent_capacity
from core.bulk.assign import BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import BulkResult, commit_bulk_assign
from core.domain.batches import BatchItem, BatchKind, BatchState
from core.domain.clock import utcnow
from core.domain.errors import PermissionDenied, RuleViolation
from core.domain.leads import LeadUpdate
from core.domain.placement import Refusal, Strategy
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import MANAGER, SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team
from tests.unit.faults import UnclearCommit

LEAST_LOADED = BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS)


def test_commit_writes_the_leads_the_loads_the_history_the_batch_and_the_audit():
    uow = team()
    result = commit_bulk_assign(lambda: uow, SUPERVISOR, plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED))
    assert isinstance(result, BulkResult) and (result.assigned, result.refused) == (3, [])
    leads = uow.leads.rows
    assert [(leads[i].status, leads[i].agent_id, leads[i].version) for i in (1, 2, 3)] == [
        (LeadStatus.ASSIGNED, 11, 2), (LeadStatus.ASSIGNED, 10, 2), (LeadStatus.ASSIGNED, 11, 2)]
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (2, 2)
    stretches = [(a["lead_id"], a["agent_id"], a["batch_id"], a["by_user_id"])
                 for a in uow.assignments.assignments]
    batch_id = result.batch_id
    assert stretches == [(1, 11, batch_id, 1), (2, 10, batch_id, 1), (3, 11, batch_id, 1)]
    assert uow.bulk.items(result.batch_id) == [  # position, lead, its agent and version after
        BatchItem(0, 1, 11, 2), BatchItem(1, 2, 10, 2), BatchItem(2, 3, 11, 2)]
    batch = uow.bulk.batch(1, result.batch_id)
    assert (batch.kind, batch.strategy, batch.leads_changed, batch.leads_refused, batch.by_username) == (
        BatchKind.BULK_ASSIGN, "least_loaded", 3, 0, "sup")
    assert (batch.state, batch.planned) == (BatchState.COMPLETE, 3)
    assert [(e.action, e.entity_id, e.batch_id) for e in uow.audit.entries] == [
        ("lead.assigned", "1", result.batch_id), ("lead.assigned", "2", result.batch_id),
        ("lead.assigned", "3", result.batch_id), ("bulk.assigned", result.batch_id, result.batch_id)]
    assert uow.audit.entries[-1].after == {"strategy": "least_loaded", "assigned": 3, "refused": 0}


def test_leads_the_plan_could_not_place_are_counted_as_refused_in_the_batch():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, lead_ids=(1, 4)))
    result = commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
    assert result.refused == [Refusal(4, "Lead #4 is already assigned: use reassign to move it.")]
    assert uow.bulk.batch(1, result.batch_id).leads_refused == 1
    assert uow.audit.entries[-1].after == {"strategy": "least_loaded", "assigned": 1, "refused": 1}


def moved_lead(uow):
    uow.leads.update_fields([LeadUpdate(1, source="event")], now=utcnow())  # someone else's edit


def moved_agent(uow):
    set_agent_capacity(uow, SUPERVISOR, agent_id=11, max_capacity=1, availability="available")


@pytest.mark.parametrize("move, said", [
    (moved_lead, "1 lead(s) changed"),
    (moved_agent, "1 agent(s) changed (Bo Lin)"),
])
def test_commit_re_plans_and_says_so_when_the_data_moved_since_the_preview(move, said):
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)
    move(uow)
    audit_before = list(uow.audit.entries)
    again = commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
    assert isinstance(again, BulkPlan)
    assert again.notice == (f"The data moved since the preview: {said}. "
                            "Here is the new plan: review it and commit again.")
    assert again == replace(plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED), notice=again.notice)
    assert uow.bulk.batches == {} and uow.audit.entries == audit_before
    assert all(uow.leads.rows[i].status == LeadStatus.NEW for i in (1, 2, 3))


def test_commit_re_plans_when_another_round_robin_run_finished_first():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.ROUND_ROBIN, NEW_LEADS))
    uow.bulk.set_round_robin_pointer(1, 10)
    again = commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
    assert "another round-robin run finished first" in again.notice
    assert again.placed[0].agent_id == 11  # resumes after the pointer as it is now


def test_the_round_robin_pointer_is_saved_and_the_next_run_resumes_after_it():
    uow = team()
    one = BulkRequest(Strategy.ROUND_ROBIN, lead_ids=(1,))
    commit_bulk_assign(lambda: uow, SUPERVISOR, plan_bulk_assign(uow, SUPERVISOR, one))
    assert uow.bulk.round_robin_pointer(1) == 10
    two = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.ROUND_ROBIN, lead_ids=(2,)))
    assert [p.agent_id for p in two.placed] == [11]


def test_a_lead_that_no_longer_fits_at_commit_is_refused_and_capacity_is_never_exceeded():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)  # lead 2 to Ana, her last free slots
    opened = []

    def new_uow():
        opened.append(1)
        if len(opened) == 3:  # between the check and the first chunk, Ana's last slots go
            ana = uow.agents.rows[10]
            uow.agents.rows[10] = replace(ana, open_leads=ana.max_capacity)
        return uow

    result = commit_bulk_assign(new_uow, SUPERVISOR, plan)
    assert result.assigned == 2 and result.refused == [Refusal(2, "Ana Ruiz is full: 3 of 3 open leads.")]
    assert uow.agents.rows[10].open_leads == 3 and uow.leads.rows[2].status == LeadStatus.NEW
    assert uow.bulk.batch(1, result.batch_id).leads_refused == 1
    assert uow.bulk.items(result.batch_id)[1] == BatchItem(1, 2, refused=result.refused[0].why)


def test_a_plan_that_places_no_lead_is_not_committed():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, lead_ids=(4,)))
    with pytest.raises(RuleViolation, match="places no lead; nothing to commit"):
        commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
    assert uow.bulk.batches == {}


def test_managers_may_not_commit_a_plan():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)
    with pytest.raises(PermissionDenied):
        commit_bulk_assign(lambda: uow, MANAGER, plan)
    assert uow.bulk.batches == {}


def test_a_commit_whose_chunk_was_kept_but_not_heard_still_reports_every_lead_it_assigned(pauses):
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)
    UnclearCommit(uow, at=3)  # 1: the preview still holds; 2: the batch opened; 3: its one chunk
    result = commit_bulk_assign(lambda: uow, SUPERVISOR, plan)
    assert uow.bulk.batch(1, result.batch_id).leads_changed == 3
    assert result.assigned == 3
