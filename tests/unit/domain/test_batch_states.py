"""A batch's state as of now, whether it can be resumed, and what a person reads when one
stops part-way (docs/design.md §8)."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from core.domain.batches import (
    LEASE,
    Batch,
    BatchKind,
    BatchState,
    interrupted_sentence,
    why_batch_cannot_be_resumed,
)

BATCH_ID = "3f2a9c1e-7b44-4d0e-9a51-2c8e6f0b1d77"
NOW = datetime(2026, 11, 22, 9, 0)
SECOND = timedelta(seconds=1)


def running(heartbeat_at: datetime | None) -> Batch:
    """A bulk assignment of 500 leads that has done 120, its last heartbeat at `heartbeat_at`."""
    return Batch(BATCH_ID, BatchKind.BULK_ASSIGN, NOW - timedelta(hours=1), "sup", "least_loaded",
                 100, 20, None, BatchState.RUNNING, 500, heartbeat_at)


def test_a_running_batch_with_a_heartbeat_within_the_lease_is_running():
    assert running(NOW - LEASE).state_at(NOW) == BatchState.RUNNING


@pytest.mark.parametrize("heartbeat_at", [NOW - LEASE - SECOND, None])
def test_a_running_batch_whose_heartbeat_stopped_reads_interrupted(heartbeat_at):
    assert running(heartbeat_at).state_at(NOW) == BatchState.INTERRUPTED


@pytest.mark.parametrize("state", [BatchState.INTERRUPTED, BatchState.COMPLETE])
def test_a_stopped_or_complete_batch_stays_as_it_said_whatever_its_heartbeat(state):
    assert replace(running(NOW), state=state).state_at(NOW + 10 * LEASE) == state


def test_an_interrupted_batch_can_be_resumed_and_so_can_one_whose_heartbeat_stopped():
    assert why_batch_cannot_be_resumed(replace(running(NOW), state=BatchState.INTERRUPTED), NOW) is None
    assert why_batch_cannot_be_resumed(running(NOW - LEASE - SECOND), NOW) is None


def test_a_running_batch_cannot_be_resumed_and_the_person_reads_how_far_it_got():
    assert why_batch_cannot_be_resumed(running(NOW - SECOND), NOW) == (
        "Batch 3f2a9c1e is still running (120 of 500 leads done). Wait a minute: if it stops, "
        "it can be resumed.")


def test_a_complete_batch_has_nothing_left_to_resume():
    assert why_batch_cannot_be_resumed(replace(running(NOW), state=BatchState.COMPLETE), NOW) == (
        "Batch 3f2a9c1e is complete: there is nothing left to resume.")


def test_a_stopped_job_names_its_batch_how_far_it_got_why_and_how_to_resume():
    said = interrupted_sentence(BATCH_ID, BatchKind.IMPORT, done=1200, planned=5000,
                                cause="The database cannot be reached.")
    assert said == (
        "Batch 3f2a9c1e stopped after 1,200 of 5,000 leads: The database cannot be reached. What "
        "was done is kept. Once the database is back, resume the batch on the Bulk operations "
        f"page (or `python cli.py resume-batch {BATCH_ID} --as YOU`).")


def test_a_stopped_bulk_assignment_may_also_be_undone_and_says_so():
    said = interrupted_sentence(BATCH_ID, BatchKind.BULK_ASSIGN, done=1, planned=2, cause="Busy.")
    assert said.endswith("--as YOU`), or undo what it applied.")
