"""Undoing a bulk assignment that did not complete: one that stopped is closed as it stands and
what it applied is undone; one still running is refused until it completes."""

import pytest

from core.bulk.assign import BulkRequest
from core.bulk.resume import resume_batch
from core.bulk.undo import undo_batch
from core.domain.batches import BatchState
from core.domain.clock import utcnow
from core.domain.errors import RuleViolation
from core.domain.placement import Strategy
from core.domain.routing import RuleSpec
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team
from tests.unit.bulk.stopped import stopped_assignment, stopped_routing
from tests.unit.faults import silent_for

pytestmark = pytest.mark.usefixtures("pauses")


def test_undo_of_an_interrupted_assignment_closes_it_as_it_stands_then_reverts_what_it_applied(
        monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    result = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert (result.reverted, result.blocked) == (1, [])
    leads = uow.leads.rows
    assert [(leads[i].status, leads[i].version) for i in (1, 2, 3)] == [
        (LeadStatus.NEW, 3), (LeadStatus.NEW, 1), (LeadStatus.NEW, 1)]  # 2 and 3 were never touched
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (1, 0)
    assignment = uow.bulk.batch(1, batch_id)
    assert (assignment.state, assignment.undone_by) == (BatchState.COMPLETE, result.undo_batch_id)
    [closing] = [e for e in uow.audit.entries if e.action == "bulk.assigned"]
    assert (closing.batch_id, closing.after) == (
        batch_id, {"strategy": "least_loaded", "assigned": 1, "refused": 0, "interrupted": True})
    assert [e.action for e in uow.audit.entries] == [
        "lead.assigned", "bulk.assigned", "lead.unassigned", "bulk.undone"]


def test_an_interrupted_round_robin_closed_for_its_undo_leaves_the_pointer_alone(monkeypatch):
    uow = team()
    request = BulkRequest(Strategy.ROUND_ROBIN, NEW_LEADS)
    batch_id = stopped_assignment(monkeypatch, uow, done=1, request=request)
    undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.bulk.round_robin_pointer(1) is None


def test_an_interrupted_assignment_once_undone_can_no_longer_be_resumed(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1)
    undo_batch(lambda: uow, SUPERVISOR, batch_id)
    with pytest.raises(RuleViolation, match="is complete: there is nothing left to resume"):
        resume_batch(lambda: uow, SUPERVISOR, batch_id)


def test_undo_of_an_assignment_still_running_is_refused_and_writes_nothing(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=1, marked=False)
    before = uow.store.snapshot()
    with pytest.raises(RuleViolation, match=f"^Batch {batch_id[:8]} is still running. Wait until it "
                                            "completes, then undo it.$"):
        undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.store == before


def test_an_assignment_whose_heartbeat_stopped_can_be_undone(monkeypatch):
    uow = team()
    batch_id = stopped_assignment(monkeypatch, uow, done=2, marked=False)
    silent_for(uow, batch_id)
    assert undo_batch(lambda: uow, SUPERVISOR, batch_id).reverted == 2
    assert all(uow.leads.rows[i].status == LeadStatus.NEW for i in (1, 2, 3))


def test_undo_of_an_interrupted_routing_run_closes_it_as_a_routing_run_not_as_a_bulk_assignment(monkeypatch):
    uow = team()
    uow.routing.add_rule(1, RuleSpec("Anyone"), by_user_id=None, now=utcnow())
    batch_id = stopped_routing(monkeypatch, uow, done=1)
    result = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert (result.reverted, result.blocked) == (1, [])
    closing = [e for e in uow.audit.entries if e.entity_id == batch_id and e.entity_type == "batch"]
    assert [(e.action, e.after) for e in closing] == [
        ("routing.ran", {"assigned": 1, "left": 0, "interrupted": True}),
        ("bulk.undone", {"reverted": 1, "blocked": 0})]
    assert uow.bulk.batch(1, batch_id).state == BatchState.COMPLETE
