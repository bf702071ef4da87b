"""A bulk run cut short on a real database: the batch says it is interrupted, keeps what it
applied, and resumes or undoes cleanly (the fault here is the database refusing a chunk; the
test that kills the server itself is tests/cluster/test_faults.py)."""

import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import retry
from core.bulk import assign_commit
from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.batches import recent_batches
from core.bulk.resume import resume_batch
from core.bulk.undo import undo_batch
from core.domain.batches import BatchState
from core.domain.errors import BatchInterrupted, ConnectionLost, RuleViolation
from core.domain.identity import Actor
from core.domain.leads import LeadFilters
from core.domain.permissions import Role
from core.domain.placement import Strategy
from db.audit_verify import verify_audit_chains
from db.invariants import find_violations
from db.models import AuditRow, Batch, Lead
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user

LEADS, CHUNK = 12, 5


@pytest.fixture
def world(engine, monkeypatch):
    monkeypatch.setattr(assign_commit, "CHUNK", CHUNK)
    monkeypatch.setattr(retry, "time", SimpleNamespace(sleep=lambda seconds: None))
    tenant = make_tenant(engine, "acme")
    actor = Actor(make_user(engine, tenant, "sup", "supervisor"), "sup", "Sup", tenant, Role.SUPERVISOR)
    for name in ("Ana", "Bo"):
        make_agent(engine, tenant, name, max_capacity=10)
    leads = [make_lead(engine, tenant, f"Lead {i}") for i in range(LEADS)]
    return SimpleNamespace(engine=engine, actor=actor, leads=leads,
                           new_uow=lambda: SqlUnitOfWork(engine))


def plan(world):
    request = BulkRequest(strategy=Strategy.LEAST_LOADED, filters=LeadFilters(statuses=("new",)),
                          limit=LEADS)
    return plan_bulk_assign(SqlUnitOfWork(world.engine), world.actor, request)


def fail_from_chunk(monkeypatch, broken: int) -> dict[str, int]:
    """The first `broken` chunks to run keep the database; every chunk after loses it every time
    it runs. Counted in the order they run, whichever lane they are in (on MySQL a commit writes
    in two lanes at once, each agent's leads in one: core/bulk/lanes.py), so how many leads they
    held depends on the lanes: the returned count says."""
    real, lock, applied = assign_commit._apply_chunk, threading.Lock(), {"chunks": 0, "leads": 0}

    def apply(uow, actor, todo, batch_id, strategy, now):
        with lock:
            if applied["chunks"] >= broken:
                raise ConnectionLost("The connection to the database was lost; this was not saved.")
            applied["chunks"] += 1
            applied["leads"] += len(todo)
        return real(uow, actor, todo, batch_id, strategy, now)

    monkeypatch.setattr(assign_commit, "_apply_chunk", apply)
    return applied


def assigned(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Lead).where(Lead.status == "assigned"))


def batch_row(engine) -> Batch:
    with Session(engine) as s:
        return s.scalars(select(Batch)).one()


def closing_rows(engine, batch_id: str) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditRow.after_json).where(
            AuditRow.action == "bulk.assigned", AuditRow.batch_id == batch_id)))


def test_an_interrupted_batch_keeps_what_it_did_and_says_what_to_do(world, monkeypatch):
    fail_from_chunk(monkeypatch, 1)
    with pytest.raises(BatchInterrupted) as stopped:
        commit_bulk_assign(world.new_uow, world.actor, plan(world))
    row = batch_row(world.engine)
    assert (row.state, row.leads_changed, row.planned) == ("interrupted", CHUNK, LEADS)
    assert stopped.value.message.startswith(f"Batch {row.id[:8]} stopped after {CHUNK} of {LEADS} leads:")
    assert f"python cli.py resume-batch {row.id}" in stopped.value.message
    assert assigned(world.engine) == CHUNK and closing_rows(world.engine, row.id) == []
    [violation] = find_violations(world.engine)  # `cli.py check` names it until it is finished
    assert violation.kind == "incomplete_batch" and row.id in violation.message
    [status] = recent_batches(SqlUnitOfWork(world.engine), world.actor)
    assert (status.state, status.resumable, status.undoable) == (BatchState.INTERRUPTED, True, True)


def test_a_resumed_batch_finishes_what_was_left_and_closes_once(world, monkeypatch):
    applied = fail_from_chunk(monkeypatch, 2)
    with pytest.raises(BatchInterrupted):
        commit_bulk_assign(world.new_uow, world.actor, plan(world))
    monkeypatch.undo()
    monkeypatch.setattr(assign_commit, "CHUNK", CHUNK)
    batch_id = batch_row(world.engine).id
    assert 0 < applied["leads"] < LEADS
    result = resume_batch(world.new_uow, world.actor, batch_id)
    assert (result.applied, result.refused, result.changed_in_all) == (LEADS - applied["leads"], 0, LEADS)
    row = batch_row(world.engine)
    assert (row.state, row.leads_changed, row.plan) == ("complete", LEADS, None)
    assert assigned(world.engine) == LEADS
    assert len(closing_rows(world.engine, batch_id)) == 1
    assert find_violations(world.engine) == [] and verify_audit_chains(world.engine)[1] == []
    with pytest.raises(RuleViolation, match="nothing left to resume"):
        resume_batch(world.new_uow, world.actor, batch_id)


def test_an_interrupted_batch_can_be_undone_instead(world, monkeypatch):
    fail_from_chunk(monkeypatch, 1)
    with pytest.raises(BatchInterrupted):
        commit_bulk_assign(world.new_uow, world.actor, plan(world))
    batch_id = batch_row(world.engine).id
    undone = undo_batch(world.new_uow, world.actor, batch_id)
    assert (undone.reverted, undone.blocked) == (CHUNK, [])
    assert assigned(world.engine) == 0
    [closing] = closing_rows(world.engine, batch_id)
    assert '"interrupted":true' in closing
    assert find_violations(world.engine) == [] and verify_audit_chains(world.engine)[1] == []
