"""Lanes (core.bulk.lanes): a plan's positions split by agent, each lane's chunks in order,
the lanes at once; progress reported on the caller's thread; a failing lane stops the rest."""

import threading
import time

import pytest

from core.bulk.lanes import LaneFailed, chunked, lanes_of, run_lanes
from core.domain.batches import BatchItem

PLAN = [(10, 1), (11, 2), (12, 1), (13, 3), (14, 2), (15, 4)]  # (lead id, agent id)


def test_positions_go_to_lanes_by_agent_each_in_plan_order():
    lanes = lanes_of(PLAN, lanes=2, key=lambda placed: placed[1])
    assert lanes == [[1, 4, 5], [0, 2, 3]]  # agents 2 and 4; agents 1 and 3
    assert lanes_of(PLAN, lanes=1, key=lambda placed: placed[1]) == [[0, 1, 2, 3, 4, 5]]
    assert lanes_of([(10, 2), (11, 4)], lanes=2, key=lambda placed: placed[1]) == [[0, 1]]  # no empty lane


def test_chunks_keep_the_order():
    assert chunked([1, 4, 5, 7, 9], 2) == [[1, 4], [5, 7], [9]]


class Recorder:
    """A chunk's work: notes which thread applied which positions; optionally fails."""

    def __init__(self, fail_at: int | None = None):
        self.calls: list[tuple[str, list[int]]] = []
        self.fail_at = fail_at
        self.guard = threading.Lock()

    def __call__(self, positions: list[int]) -> list[BatchItem]:
        if self.fail_at in positions:
            raise RuntimeError("chunk failed")
        time.sleep(0.01)
        with self.guard:
            self.calls.append((threading.current_thread().name, positions))
        return [BatchItem(p, 100 + p, agent_id=1, lead_version=2) for p in positions]


def test_every_chunk_is_applied_once_each_lane_in_order_on_threads_of_its_own():
    lanes = [[[0, 2], [4, 6]], [[1, 3], [5]]]
    work, seen = Recorder(), []
    items = run_lanes(lanes, work, total=7,
                      progress=lambda done: seen.append((threading.current_thread(), done)))
    assert sorted(item.position for item in items) == list(range(7))
    by_thread: dict[str, list[list[int]]] = {}
    for thread, positions in work.calls:
        by_thread.setdefault(thread, []).append(positions)
    assert sorted(by_thread.values()) == sorted(lanes)  # one thread per lane, its chunks in order
    assert threading.current_thread().name not in by_thread
    assert seen and all(thread is threading.current_thread() for thread, _ in seen)
    assert seen[-1][1] == 1.0


def test_a_failing_lane_stops_the_others_after_their_chunk_and_says_what_was_recorded():
    lanes = [[[p] for p in range(0, 60, 2)], [[1], [3]]]  # 30 chunks of 10 ms; two
    work = Recorder(fail_at=3)
    with pytest.raises(LaneFailed) as failed:
        run_lanes(lanes, work, total=32, progress=lambda done: None)
    assert str(failed.value.cause) == "chunk failed"
    applied = [p for _, positions in work.calls for p in positions]
    assert 1 in applied and 3 not in applied and 58 not in applied  # the first lane stopped early
    assert sorted(item.position for item in failed.value.items) == sorted(applied)


def test_a_progress_report_that_fails_stops_every_lane_after_its_chunk():
    lanes = [[[p] for p in range(0, 200, 2)], [[p] for p in range(1, 200, 2)]]  # 1 s each
    work = Recorder()

    def failing(done: float) -> None:
        raise KeyboardInterrupt  # as Ctrl-C would arrive, on the caller's thread

    with pytest.raises(KeyboardInterrupt):
        run_lanes(lanes, work, total=200, progress=failing)
    assert len(work.calls) < 200  # the lanes stopped instead of running to the end
