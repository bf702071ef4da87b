"""The recent batches: the actor's tenant only, newest first, each with its state as of now and
whether it can be undone or resumed."""

from datetime import datetime

from core.bulk.batches import recent_batches
from core.domain.batches import BatchKind, BatchState
from core.domain.clock import utcnow
from tests.unit.builders import MANAGER, OTHER_TENANT
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import silent_for


def add(uow: FakeUnitOfWork, batch_id: str, kind: BatchKind, *, tenant_id: int = 1,
        now: datetime | None = None) -> None:
    uow.bulk.add_batch(batch_id, tenant_id=tenant_id, kind=kind, strategy=None, by_user_id=1,
                       now=now or utcnow(), plan="[]", planned=1)


def test_recent_batches_are_the_tenants_newest_first_up_to_the_limit():
    uow = FakeUnitOfWork()
    batches = [("a", BatchKind.BULK_ASSIGN, 1), ("b", BatchKind.IMPORT, 1), ("c", BatchKind.BULK_ASSIGN, 2),
               ("d", BatchKind.BULK_ASSIGN, 1)]
    for day, (batch_id, kind, tenant_id) in enumerate(batches, start=1):
        add(uow, batch_id, kind, tenant_id=tenant_id, now=datetime(2026, 11, day))
        uow.bulk.finish_batch(batch_id, now=datetime(2026, 11, day))
    recent = recent_batches(uow, MANAGER)
    assert [(b.batch.id, b.state, b.undoable) for b in recent] == [
        ("d", BatchState.COMPLETE, True), ("b", BatchState.COMPLETE, False), ("a", BatchState.COMPLETE, True)]
    assert [b.batch.id for b in recent_batches(uow, MANAGER, limit=1)] == ["d"]
    assert [b.batch.id for b in recent_batches(uow, OTHER_TENANT)] == ["c"]


def test_a_running_batch_is_neither_undoable_nor_resumable():
    uow = FakeUnitOfWork()
    add(uow, "a", BatchKind.BULK_ASSIGN)
    [status] = recent_batches(uow, MANAGER)
    assert (status.state, status.undoable, status.resumable) == (BatchState.RUNNING, False, False)


def test_a_running_batch_whose_heartbeat_stopped_shows_interrupted_and_resumable():
    uow = FakeUnitOfWork()
    add(uow, "a", BatchKind.BULK_ASSIGN)
    silent_for(uow, "a")
    [status] = recent_batches(uow, MANAGER)
    assert (status.batch.state, status.state) == (BatchState.RUNNING, BatchState.INTERRUPTED)
    assert (status.undoable, status.resumable) == (True, True)


def test_an_interrupted_import_is_resumable_but_never_undoable():
    uow = FakeUnitOfWork()
    add(uow, "a", BatchKind.IMPORT)
    uow.bulk.mark_interrupted("a")
    [status] = recent_batches(uow, MANAGER)
    assert (status.state, status.undoable, status.resumable) == (BatchState.INTERRUPTED, False, True)


def test_a_complete_batch_is_not_resumable():
    uow = FakeUnitOfWork()
    add(uow, "a", BatchKind.BULK_UPDATE)
    uow.bulk.finish_batch("a", now=utcnow())
    assert not recent_batches(uow, MANAGER)[0].resumable
