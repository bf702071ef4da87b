"""The recent batches: the actor's tenant only, newest first, each saying if it can be undone."""

from datetime import datetime

from core.bulk.batches import recent_batches
from core.domain.batches import BatchKind
from tests.unit.builders import MANAGER, OTHER_TENANT
from tests.unit.fakes import FakeUnitOfWork


def test_recent_batches_are_the_tenants_newest_first_up_to_the_limit():
    uow = FakeUnitOfWork()
    batches = [("a", BatchKind.BULK_ASSIGN, 1), ("b", BatchKind.IMPORT, 1), ("c", BatchKind.BULK_ASSIGN, 2),
               ("d", BatchKind.BULK_ASSIGN, 1)]
    for day, (batch_id, kind, tenant_id) in enumerate(batches, start=1):
        uow.bulk.add_batch(batch_id, tenant_id=tenant_id, kind=kind, strategy=None, by_user_id=1,
                           now=datetime(2026, 11, day))
    recent = recent_batches(uow, MANAGER)
    assert [(b.id, b.undoable) for b in recent] == [("d", True), ("b", False), ("a", True)]
    assert [b.id for b in recent_batches(uow, MANAGER, limit=1)] == ["d"]
    assert [b.id for b in recent_batches(uow, OTHER_TENANT)] == ["c"]
