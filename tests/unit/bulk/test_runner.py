"""Running a batch's plan (core.bulk.runner): chunk by chunk, each retried on its own; a chunk
that still fails leaves the batch interrupted with a sentence saying what next; a position
already recorded is never applied again."""

import pytest

from core.bulk.runner import open_batch, run_plan
from core.domain.batches import BatchItem, BatchKind, BatchState, interrupted_sentence
from core.domain.clock import utcnow
from core.domain.errors import BatchInterrupted
from core.domain.leads import LeadUpdate
from core.retry import STAYED_BUSY, UNREACHABLE
from tests.unit.builders import SUPERVISOR, lead, user_of
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.faults import FOR_GOOD, UnclearCommit, fail, lost, silent_for

PLAN = [1, 2, 3, 4, 5]  # lead ids, positions 0 to 4


class SourceToEvent:
    """A chunk's work: each lead's source set to event; notes the positions of every call."""

    def __init__(self):
        self.given = []

    def __call__(self, uow, todo):
        self.given.append([position for position, _ in todo])
        ids = [lead_id for _, lead_id in todo]
        versions = uow.leads.versions(1, ids)
        uow.leads.update_fields([LeadUpdate(lead_id, source="event") for lead_id in ids], now=utcnow())
        return [BatchItem(position, lead_id, lead_version=versions[lead_id] + 1)
                for position, lead_id in todo]


def started():
    uow = FakeUnitOfWork(users=[user_of(SUPERVISOR)], leads=[lead(i) for i in PLAN])
    batch_id = open_batch(lambda: uow, SUPERVISOR, kind=BatchKind.BULK_UPDATE, now=utcnow(),
                          plan=PLAN, positions=len(PLAN))
    return uow, batch_id


def run(uow, batch_id, apply, **options):
    return run_plan(lambda: uow, SUPERVISOR, batch_id, BatchKind.BULK_UPDATE, PLAN, apply, chunk=2,
                    **options)


def versions(uow):
    return [uow.leads.rows[i].version for i in PLAN]


def test_every_position_is_applied_once_chunk_by_chunk_with_progress_up_to_the_end():
    uow, batch_id = started()
    apply, progress = SourceToEvent(), []
    items = run(uow, batch_id, apply, progress=progress.append)
    assert apply.given == [[0, 1], [2, 3], [4]] and progress == [0.4, 0.8, 1.0]
    assert versions(uow) == [2] * 5 and [i.position for i in uow.bulk.items(batch_id)] == [0, 1, 2, 3, 4]
    assert items == uow.bulk.items(batch_id)
    assert uow.bulk.batch(1, batch_id).leads_changed == 5


def test_a_chunk_that_conflicts_is_run_again_alone_and_its_first_try_leaves_nothing(pauses):
    uow, batch_id = started()
    apply = SourceToEvent()
    fail(uow, "bulk", "add_items", times=1, after=1)  # the second chunk, after its leads were written
    run(uow, batch_id, apply)
    assert apply.given == [[0, 1], [2, 3], [2, 3], [4]] and len(pauses) == 1
    assert versions(uow) == [2] * 5 and uow.bulk.batch(1, batch_id).leads_changed == 5


def test_a_chunk_that_keeps_failing_leaves_the_batch_interrupted_and_says_how_far_and_what_next(pauses):
    uow, batch_id = started()
    progress = []
    fail(uow, "bulk", "add_items", times=FOR_GOOD, after=1)
    with pytest.raises(BatchInterrupted) as stopped:
        run(uow, batch_id, SourceToEvent(), progress=progress.append)
    said = stopped.value.message
    assert said == interrupted_sentence(batch_id, BatchKind.BULK_UPDATE, done=2, planned=5, cause=STAYED_BUSY)
    assert said.startswith(f"Batch {batch_id[:8]} stopped after 2 of 5 leads: {STAYED_BUSY}")
    assert f"resume the batch on the Bulk operations page (or `python cli.py resume-batch {batch_id}" in said
    assert uow.bulk.batch(1, batch_id).state == BatchState.INTERRUPTED and progress == [0.4]
    assert versions(uow) == [2, 2, 1, 1, 1] and [i.position for i in uow.bulk.items(batch_id)] == [0, 1]


def test_a_chunk_that_lost_the_database_for_good_says_it_cannot_be_reached(pauses):
    uow, batch_id = started()
    fail(uow, "leads", "update_fields", error=lost, times=FOR_GOOD)
    with pytest.raises(BatchInterrupted, match="stopped after 0 of 5 leads") as stopped:
        run(uow, batch_id, SourceToEvent())
    assert UNREACHABLE in stopped.value.message


def test_a_chunk_that_fails_for_another_reason_leaves_the_batch_interrupted_and_raises_that_error():
    uow, batch_id = started()

    def broken(uow, todo):
        raise ValueError("a bug in the chunk")

    with pytest.raises(ValueError, match="a bug in the chunk"):
        run(uow, batch_id, broken)
    assert uow.bulk.batch(1, batch_id).state == BatchState.INTERRUPTED


def test_a_batch_that_cannot_even_be_marked_interrupted_reads_interrupted_once_its_lease_is_over(pauses):
    uow, batch_id = started()
    fail(uow, "bulk", "add_items", error=lost, times=FOR_GOOD)
    fail(uow, "bulk", "mark_interrupted", error=lost, times=FOR_GOOD)
    with pytest.raises(BatchInterrupted):
        run(uow, batch_id, SourceToEvent())
    assert uow.bulk.batch(1, batch_id).state_at(utcnow()) == BatchState.RUNNING
    silent_for(uow, batch_id)
    assert uow.bulk.batch(1, batch_id).state_at(utcnow()) == BatchState.INTERRUPTED


def test_a_chunk_whose_commit_was_kept_but_not_heard_is_not_applied_again(pauses):
    uow, batch_id = started()
    apply = SourceToEvent()
    UnclearCommit(uow, at=2)  # the second chunk's
    run(uow, batch_id, apply)
    assert apply.given == [[0, 1], [2, 3], [4]]
    assert versions(uow) == [2] * 5 and len(uow.bulk.items(batch_id)) == 5
    assert uow.bulk.batch(1, batch_id).leads_changed == 5


def test_a_run_again_over_the_same_plan_skips_what_was_recorded_and_counts_it_as_done(pauses):
    uow, batch_id = started()
    fault = fail(uow, "bulk", "add_items", times=FOR_GOOD, after=1)
    with pytest.raises(BatchInterrupted):
        run(uow, batch_id, SourceToEvent())
    fault.heal()
    again = SourceToEvent()
    fault = fail(uow, "bulk", "add_items", times=FOR_GOOD, after=1)  # this run stops after one chunk too
    with pytest.raises(BatchInterrupted, match="stopped after 4 of 5 leads"):
        run(uow, batch_id, again)
    assert again.given[0] == [2, 3] and {tuple(g) for g in again.given[1:]} == {(4,)}  # [4]: its retries
    assert versions(uow) == [2, 2, 2, 2, 1]
    fault.heal()
    items = run(uow, batch_id, SourceToEvent())
    assert [i.position for i in items] == [4] and versions(uow) == [2] * 5


def test_the_items_of_a_chunk_whose_commit_was_not_heard_still_count_in_the_run(pauses):
    uow, batch_id = started()
    UnclearCommit(uow, at=2)
    items = run(uow, batch_id, SourceToEvent())
    assert items == uow.bulk.items(batch_id)
