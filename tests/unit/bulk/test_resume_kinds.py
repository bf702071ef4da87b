"""Every kind of long run resumes the same way (docs/design.md §8): a bulk update, an import and an
undo that stopped part-way finish from where they stopped, each change made once, closed once."""

import pytest

from core.bulk.assign import plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.resume import ResumeResult, resume_batch
from core.domain.batches import BatchKind, BatchState
from core.domain.vocabulary import LeadStatus
from tests.unit.builders import SUPERVISOR
from tests.unit.bulk.scenario import team
from tests.unit.bulk.stopped import LEAST_LOADED, stopped_import, stopped_undo, stopped_update
from tests.unit.fakes import FakeUnitOfWork

pytestmark = pytest.mark.usefixtures("pauses")


def closing_rows(uow, action):
    return [e for e in uow.audit.entries if e.action == action]


def test_an_interrupted_bulk_update_resumes_and_changes_each_lead_once(monkeypatch):
    uow = team()
    batch_id = stopped_update(monkeypatch, uow, done=1)
    assert [uow.leads.fields[i].source for i in (1, 2, 3)] == ["event", "website", "website"]
    result = resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert result == ResumeResult(batch_id, BatchKind.BULK_UPDATE, applied=2, refused=0, changed_in_all=3)
    assert [uow.leads.fields[i].source for i in (1, 2, 3)] == ["event", "partner", "event"]
    assert [uow.leads.rows[i].version for i in (1, 2, 3)] == [2, 2, 2]
    assert len(closing_rows(uow, "lead.updated")) == 3
    [closing] = closing_rows(uow, "bulk.updated")
    assert (closing.batch_id, closing.after) == (batch_id, {"updated": 3, "refused": 0})
    assert uow.bulk.batch(1, batch_id).state == BatchState.COMPLETE


def test_an_interrupted_import_resumes_inserting_each_row_once_and_scores_the_new_leads(monkeypatch):
    uow = FakeUnitOfWork()
    batch_id = stopped_import(monkeypatch, uow, done=1)
    assert [lead.name for lead in uow.leads.rows.values()] == ["Pat Doe"]
    result = resume_batch(lambda: uow, SUPERVISOR, batch_id)
    assert result == ResumeResult(batch_id, BatchKind.IMPORT, applied=2, refused=0, changed_in_all=3)
    assert sorted(lead.name for lead in uow.leads.rows.values()) == ["Kim Lee", "Lou Ma", "Pat Doe"]
    assert all(uow.leads.fields[i].overall_score > 0 for i in uow.leads.rows)
    [closing] = closing_rows(uow, "bulk.imported")
    assert (closing.batch_id, closing.after) == (batch_id, {"imported": 3, "refused": 0})


def test_an_interrupted_undo_resumes_and_the_assignment_ends_undone(monkeypatch):
    uow = team()
    plan = plan_bulk_assign(uow, SUPERVISOR, LEAST_LOADED)
    assignment = commit_bulk_assign(lambda: uow, SUPERVISOR, plan).batch_id
    undo_id = stopped_undo(monkeypatch, uow, assignment, done=1)
    assert uow.bulk.batch(1, assignment).undone_by is None
    assert [uow.leads.rows[i].status for i in (1, 2, 3)] == [LeadStatus.NEW, LeadStatus.ASSIGNED,
                                                             LeadStatus.ASSIGNED]
    result = resume_batch(lambda: uow, SUPERVISOR, undo_id)
    assert result == ResumeResult(undo_id, BatchKind.UNDO, applied=2, refused=0, changed_in_all=3)
    leads = uow.leads.rows
    assert [(leads[i].status, leads[i].agent_id, leads[i].version) for i in (1, 2, 3)] == [
        (LeadStatus.NEW, None, 3)] * 3
    assert (uow.agents.rows[10].open_leads, uow.agents.rows[11].open_leads) == (1, 0)
    assert uow.bulk.batch(1, assignment).undone_by == undo_id
    [closing] = closing_rows(uow, "bulk.undone")
    assert (closing.entity_id, closing.batch_id, closing.after) == (
        assignment, undo_id, {"reverted": 3, "blocked": 0})
