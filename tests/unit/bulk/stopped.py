"""Bulk runs that stop part-way, shared by the resume and undo tests: each runs one lead per
chunk, and the chunks after the first `done` fail for good (the database is then back)."""

import pytest

from core.bulk import assign_commit, lead_import, undo, update
from core.bulk.assign import BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.bulk.import_file import default_mapping, read_import_file
from core.bulk.lead_import import import_leads
from core.bulk.undo import undo_batch
from core.bulk.update import LeadChange, bulk_update
from core.domain.errors import BatchInterrupted
from core.domain.placement import Strategy
from tests.unit.builders import SUPERVISOR
from tests.unit.bulk.scenario import NEW_LEADS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import FOR_GOOD, fail, lost

LEAST_LOADED = BulkRequest(Strategy.LEAST_LOADED, NEW_LEADS)
CHANGES = [LeadChange(1, source="event"), LeadChange(2, source="partner"), LeadChange(3, source="event")]
FILE = b"name,email,source\nPat Doe,pat@x.example,referral\nKim Lee,kim@x.example,event\n" \
       b"Lou Ma,lou@x.example,website\n"


def newest_batch(uow: FakeUnitOfWork) -> str:
    return list(uow.bulk.batches)[-1]


def _stop(uow, method, run, *, done, marked):
    """Run until the chunk after `done` fails for good; the batch is then marked interrupted,
    or, if `marked` is False, stays running with its last heartbeat (its process died)."""
    faults = [fail(uow, "leads", method, times=FOR_GOOD, after=done)]
    if not marked:
        faults.append(fail(uow, "bulk", "mark_interrupted", error=lost, times=FOR_GOOD))
    with pytest.raises(BatchInterrupted):
        run()
    for fault in faults:
        fault.heal()
    return newest_batch(uow)


def stopped_assignment(monkeypatch, uow, *, done=1, request=LEAST_LOADED, marked=True) -> str:
    monkeypatch.setattr(assign_commit, "CHUNK", 1)
    plan = plan_bulk_assign(uow, SUPERVISOR, request)
    return _stop(uow, "assign_many", lambda: commit_bulk_assign(lambda: uow, SUPERVISOR, plan),
                 done=done, marked=marked)


def stopped_update(monkeypatch, uow, *, done=1) -> str:
    monkeypatch.setattr(update, "CHUNK", 1)
    return _stop(uow, "update_fields",
                 lambda: bulk_update(lambda: uow, SUPERVISOR, CHANGES, all_or_nothing=False),
                 done=done, marked=True)


def stopped_import(monkeypatch, uow, *, done=1) -> str:
    monkeypatch.setattr(lead_import, "CHUNK", 1)
    file = read_import_file(FILE)
    return _stop(uow, "insert_new",
                 lambda: import_leads(lambda: uow, SUPERVISOR, file, default_mapping(file.columns),
                                      all_or_nothing=False),
                 done=done, marked=True)


def stopped_undo(monkeypatch, uow, assignment: str, *, done=1) -> str:
    monkeypatch.setattr(undo, "CHUNK", 1)
    return _stop(uow, "unassign_many", lambda: undo_batch(lambda: uow, SUPERVISOR, assignment),
                 done=done, marked=True)


def stopped_routing(monkeypatch, uow, *, done=1) -> str:
    """A routing run (the tenant's rules already set) that stops after `done` leads."""
    from core.routing import run as routing_run
    from core.routing.run import run_routing

    monkeypatch.setattr(routing_run, "CHUNK", 1)
    return _stop(uow, "claim_new", lambda: run_routing(lambda: uow, SUPERVISOR), done=done, marked=True)


def stopped_run(uow, method: str, run, *, done=1) -> str:
    """Any run that stops for good once `uow.leads.<method>` has gone through `done` times."""
    return _stop(uow, method, run, done=done, marked=True)
