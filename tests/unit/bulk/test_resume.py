"""Resuming a bulk assignment that stopped part-way (docs/design.md §8): from where it stopped, closed
once as a run that never stopped would be; only a stopped batch, by one resumer at a time."""

import pytest

from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.resume import ResumeResult, resume_batch
from core.domain.batches import LEASE, BatchKind, BatchState
from core.domain.clock import utcnow
from core.domain.errors import NotFound, PermissionDenied, RuleViolation
from core.domain.placement import Strategy
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import MANAGER, OTHER_TENANT, SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team
from tests.unit.bulk.stopped import LEAST_LOADED, stopped_assignment
from tests.unit.faults import silent_for

pytestmark = pytest.mark.usefixtures("pauses")


def actions(uow):
    return [e.action for e in uow.audit.entries]


def test_an_interrupted_assignment_resumes_where_it_stopped_and_closes_once_with_both_runs_totals(
        monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    assert actions(uow) == ["lead.assigned"] and uow.bulk.batch(1, batch_id).state == BatchState.INTERRUPTED
    progress = []
    result = resume_batch(lambda: uow, SUPERVISOR, batch_id, progress=progress.append)
    assert result == ResumeResult(batch_id, BatchKind.BULK_ASSIGN, applied=2, refused=0, changed_in_all=3)
    leads = uow.leads.rows
    assert [(leads[i].status, leads[i].agent_id, leads[i].version) for i in (1, 2, 3)] == [
        (LeadStatus.ASSIGNED, 11, 2), (LeadStatus.ASSIGNED, 10, 2), (LeadStatus.ASSIGNED, 11, 2)]
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (2, 2)
    assert [i.position for i in uow.bulk.items(batch_id)] == [0, 1, 2] and progress[-1] == 1.0
    assert actions(uow) == ["lead.assigned", "bulk.resumed", "lead.assigned", "lead.assigned",
                            "bulk.assigned"]
    resumed, closing = uow.audit.entries[1], uow.audit.entries[-1]
    assert (resumed.entity_id, resumed.batch_id) == (batch_id, batch_id)
    assert resumed.after == {"done": 1, "planned": 3}
    assert closing.after == {"strategy": "least_loaded", "assigned": 3, "refused": 0}
    batch = uow.bulk.batch(1, batch_id)
    assert (batch.state, batch.leads_changed, batch.leads_refused) == (BatchState.COMPLETE, 3, 0)


def test_a_resumed_round_robin_leaves_the_pointer_where_an_uninterrupted_run_would(monkeypatch):
    request = BulkRequest(Strategy.ROUND_ROBIN, NEW_LEADS)
    clean = team()
    commit_bulk_assign(lambda: clean, SUPERVISOR, plan_bulk_assign(clean, SUPERVISOR, request))
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1, request=request)
    assert uow.bulk.round_robin_pointer(1) is None
    resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.bulk.round_robin_pointer(1) == clean.bulk.round_robin_pointer(1) is not None


def test_a_running_batch_with_a_fresh_heartbeat_cannot_be_resumed(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1, marked=False)
    before = uow.store.snapshot()
    with pytest.raises(RuleViolation, match=f"Batch {batch_id[:8]} is still running \\(1 of 3 leads done\\). "
                                            "Wait a minute: if it stops, it can be resumed."):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.store == before


def test_a_running_batch_silent_for_longer_than_the_lease_is_resumed(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1, marked=False)
    silent_for(uow, batch_id)
    assert resume_batch(lambda: uow, SUPERVISOR, batch_id).changed_in_all == 3
    assert uow.bulk.batch(1, batch_id).state == BatchState.COMPLETE


def test_a_complete_batch_has_nothing_to_resume():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)
    batch_id = commit_bulk_assign(lambda: uow, SUPERVISOR, plan).batch_id
    before = uow.store.snapshot()
    with pytest.raises(RuleViolation, match="is complete: there is nothing left to resume"):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.store == before


def test_a_batch_another_resumer_took_over_is_refused_as_running(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    assert uow.bulk.claim(batch_id, now=utcnow(), stopped_before=utcnow() - LEASE)  # someone else's resume
    with pytest.raises(RuleViolation, match="is still running"):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert "bulk.resumed" not in actions(uow)


def test_of_two_resumers_that_both_saw_the_batch_stopped_only_the_first_to_claim_it_goes_on(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    claim = uow.bulk.claim

    def the_other_claims_first(batch_id, *, now, stopped_before):
        with uow:  # the other resumer's own transaction, committed first
            assert claim(batch_id, now=now, stopped_before=stopped_before)
            uow.commit()
        return claim(batch_id, now=now, stopped_before=stopped_before)

    uow.bulk.claim = the_other_claims_first
    with pytest.raises(RuleViolation, match=f"Batch {batch_id[:8]} was just resumed by someone else"):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert "bulk.resumed" not in actions(uow) and len(uow.bulk.items(batch_id)) == 1


def test_managers_may_not_resume_a_batch(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    before = uow.store.snapshot()
    with pytest.raises(PermissionDenied):
        resume_batch(lambda: uow, MANAGER, batch_id)
    assert uow.store == before


def test_a_batch_of_another_tenant_or_none_at_all_is_not_found(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    for actor, wanted in ((OTHER_TENANT, batch_id), (SUPERVISOR, "no-such-batch")):
        with pytest.raises(NotFound, match=f"Batch {wanted} does not exist in your tenant"):
            resume_batch(lambda: uow, actor, wanted)
    assert uow.bulk.batch(1, batch_id).state == BatchState.INTERRUPTED


def test_how_far_a_batch_got_counts_every_lead_it_covers_the_ones_refused_before_its_plan_too(
        monkeypatch):
    uow = team()
    request = BulkRequest(Strategy.LEAST_LOADED, lead_ids=(1, 2, 3, 4))  # 4 is assigned already
    batch_id = stopped_assignment(monkeypatch, uow, done=1, request=request, marked=False)
    # lead 4, refused by the preview, is done from the start; one of the three placed is done
    with pytest.raises(RuleViolation, match="still running \\(2 of 4 leads done\\)"):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)
