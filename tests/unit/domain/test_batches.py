"""Which batches can be undone (docs/design.md §4): only a bulk assignment, once, and not while it
runs."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from core.domain.batches import (
    LEASE,
    Batch,
    BatchKind,
    BatchState,
    short_id,
    why_batch_cannot_be_undone,
)

BATCH_ID = "3f2a9c1e-7b44-4d0e-9a51-2c8e6f0b1d77"
NOW = datetime(2026, 11, 22, 9, 0)


def batch(kind: BatchKind, undone_by: str | None = None) -> Batch:
    return Batch(BATCH_ID, kind, NOW - timedelta(hours=1), "sup", None, 5, 0, undone_by)


def test_a_bulk_assignment_not_yet_undone_can_be_undone():
    assert why_batch_cannot_be_undone(batch(BatchKind.BULK_ASSIGN), NOW) is None


@pytest.mark.parametrize("kind, named", [
    (BatchKind.BULK_UPDATE, "a bulk update"),
    (BatchKind.IMPORT, "an import"),
    (BatchKind.UNDO, "an undo"),
])
def test_any_other_kind_of_batch_is_refused_with_what_it_is_and_what_to_do(kind, named):
    why = why_batch_cannot_be_undone(batch(kind), NOW)
    assert why == (f"Batch 3f2a9c1e is {named}: only bulk assignments, routing runs and SLA re-routes "
                   "can be undone. Change those leads back with a bulk update or one by one.")


def test_a_bulk_assignment_is_undone_only_once():
    why = why_batch_cannot_be_undone(batch(BatchKind.BULK_ASSIGN, undone_by="9d8c7b6a-0000"), NOW)
    assert why == "Batch 3f2a9c1e was already undone (by batch 9d8c7b6a)."


def test_a_bulk_assignment_still_running_is_not_undone_yet():
    running = replace(batch(BatchKind.BULK_ASSIGN), state=BatchState.RUNNING, heartbeat_at=NOW)
    assert why_batch_cannot_be_undone(running, NOW) == (
        "Batch 3f2a9c1e is still running. Wait until it completes, then undo it.")


def test_a_bulk_assignment_that_stopped_part_way_can_be_undone():
    interrupted = replace(batch(BatchKind.BULK_ASSIGN), state=BatchState.INTERRUPTED, heartbeat_at=NOW)
    silent = replace(interrupted, state=BatchState.RUNNING, heartbeat_at=NOW - LEASE - timedelta(seconds=1))
    assert why_batch_cannot_be_undone(interrupted, NOW) is None
    assert why_batch_cannot_be_undone(silent, NOW) is None


def test_a_batch_is_named_by_the_first_eight_characters_of_its_id():
    assert short_id(BATCH_ID) == "3f2a9c1e"
