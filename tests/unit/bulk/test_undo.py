"""Undoing a batch (docs/design.md §4): a bulk assignment is reverted as a whole while none of its
leads changed since; any other batch, or one undone already, is refused and nothing written."""

import pytest

from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.lead_import import import_leads
from core.bulk.undo import UndoResult, undo_batch
from core.bulk.update import LeadChange, bulk_update
from core.domain.batches import BatchKind
from core.domain.errors import NotFound, PermissionDenied, RuleViolation
from core.domain.placement import Refusal, Strategy
from core.domain.vocabulary import LeadStatus
from core.leads import lifecycle
from tests.unit.builders import MANAGER, OTHER_TENANT, SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS, team


def assigned_in_bulk():
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS))
    return uow, commit_bulk_assign(lambda: uow, SUPERVISOR, plan).batch_id


def test_undo_returns_the_batchs_leads_to_new_and_frees_the_agents():
    uow, batch_id = assigned_in_bulk()
    result = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert (result.reverted, result.blocked) == (3, [])
    leads = uow.leads.rows
    assert [(leads[i].status, leads[i].agent_id) for i in (1, 2, 3)] == [(LeadStatus.NEW, None)] * 3
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (1, 0)
    assert all(a["ended_at"] is not None for a in uow.assignments.assignments)
    undo = uow.bulk.batch(1, result.undo_batch_id)
    assert (undo.kind, undo.leads_changed, undo.leads_refused) == (BatchKind.UNDO, 3, 0)
    assert uow.bulk.batch(1, batch_id).undone_by == result.undo_batch_id
    assert [(e.action, e.entity_id, e.batch_id) for e in uow.audit.entries[-4:]] == [
        ("lead.unassigned", "1", result.undo_batch_id), ("lead.unassigned", "2", result.undo_batch_id),
        ("lead.unassigned", "3", result.undo_batch_id), ("bulk.undone", batch_id, result.undo_batch_id)]
    assert uow.audit.entries[-2].reason == f"undo of batch {batch_id}"


def test_undo_is_blocked_and_writes_nothing_when_a_lead_changed_since_the_batch():
    uow, batch_id = assigned_in_bulk()
    lifecycle.change_status(uow, SUPERVISOR, lead_id=2, new_status="contacted")
    before = uow.store.snapshot()
    assert undo_batch(lambda: uow, SUPERVISOR, batch_id) == UndoResult(
        None, 0, [Refusal(2, "Lead #2 changed after the batch; undo it by hand or leave it.")])
    assert uow.store == before


def bulk_update_batch(uow):
    changes = [LeadChange(1, source="event")]
    return bulk_update(lambda: uow, SUPERVISOR, changes, all_or_nothing=False).batch_id


def import_batch(uow):
    file = read_import_file(b"name,email,source\nPat Doe,pat@x.example,referral\n")
    mapping = default_mapping(file.columns)
    return import_leads(lambda: uow, SUPERVISOR, file, mapping, all_or_nothing=True).batch_id


def undo_of_a_bulk_assignment(uow):
    plan = plan_bulk_assign(uow, SUPERVISOR, BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS))
    return undo_batch(lambda: uow, SUPERVISOR, commit_bulk_assign(lambda: uow, SUPERVISOR, plan).batch_id
                      ).undo_batch_id


@pytest.mark.parametrize("make_batch, what", [
    (bulk_update_batch, "a bulk update"),
    (import_batch, "an import"),
    (undo_of_a_bulk_assignment, "an undo"),
])
def test_any_batch_but_a_bulk_assignment_is_refused_with_a_clear_sentence_writing_nothing(make_batch, what):
    uow = team()
    batch_id = make_batch(uow)
    before = uow.store.snapshot()
    sentence = (f"Batch {batch_id[:8]} is {what}: only bulk assignments, routing runs and SLA re-routes "
                "can be undone. Change those leads back with a bulk update or one by one.")
    with pytest.raises(RuleViolation, match=sentence):
        undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.store == before  # no undo batch, no audit row, the batch not marked undone


def test_a_batch_is_undone_only_once():
    uow, batch_id = assigned_in_bulk()
    first = undo_batch(lambda: uow, SUPERVISOR, batch_id)
    before = uow.store.snapshot()
    with pytest.raises(RuleViolation, match=f"already undone \\(by batch {first.undo_batch_id[:8]}\\)"):
        undo_batch(lambda: uow, SUPERVISOR, batch_id)
    assert uow.store == before


def test_a_batch_of_another_tenant_or_none_at_all_is_not_found():
    uow, batch_id = assigned_in_bulk()
    for actor, wanted in ((OTHER_TENANT, batch_id), (SUPERVISOR, "no-such-batch")):
        with pytest.raises(NotFound, match=f"Batch {wanted} does not exist in your tenant"):
            undo_batch(lambda: uow, actor, wanted)


def test_managers_may_not_undo():
    uow, batch_id = assigned_in_bulk()
    with pytest.raises(PermissionDenied):
        undo_batch(lambda: uow, MANAGER, batch_id)
    assert uow.bulk.batch(1, batch_id).undone_by is None
