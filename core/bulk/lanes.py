"""A plan's chunks applied in lanes, each lane on its own connection, all at once.

A chunk's transaction spends most of its time in the database (index work for the rows it
writes) and the rest building them in Python; one connection leaves a second core idle. The
plan's positions are split by agent, so that two lanes never lock the same agent and do not
wait on each other (their leads differ too; they meet only on the batch's progress row, held
from its update to the commit). Within a lane the chunks go in order. A lane that fails stops
the others after their current chunk. Where the database has one writer (SQLite), or the plan
fits in one chunk, there is one lane and it runs on the caller's thread.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

from core.domain.batches import BatchItem

T = TypeVar("T")
ApplyChunk = Callable[[list[int]], list[BatchItem]]
POLL = 0.2  # seconds between progress reports while lanes run


def lanes_of(plan: Sequence[T], *, lanes: int, key: Callable[[T], int]) -> list[list[int]]:
    """The plan's positions in `lanes` groups by `key` (an agent id), each in plan order;
    empty groups dropped."""
    groups: list[list[int]] = [[] for _ in range(max(1, lanes))]
    for position, item in enumerate(plan):
        groups[key(item) % len(groups)].append(position)
    return [group for group in groups if group]


def chunked(positions: list[int], size: int) -> list[list[int]]:
    return [positions[start:start + size] for start in range(0, len(positions), size)]


class LaneFailed(Exception):
    """A lane's chunk failed; `items` holds what every lane recorded before it stopped."""

    def __init__(self, cause: BaseException, items: list[BatchItem]) -> None:
        super().__init__(str(cause))
        self.cause, self.items = cause, items


def run_lanes(lanes: list[list[list[int]]], apply_chunk: ApplyChunk, *, total: int,
              progress: Callable[[float], object]) -> list[BatchItem]:
    """Each lane's chunks in order, the lanes at once; `progress` is called on this thread
    (a page's progress bar must not be touched from another). Raises LaneFailed."""
    items: list[BatchItem] = []
    done = [0]
    guard, stop = threading.Lock(), threading.Event()

    def lane(chunks: list[list[int]]) -> None:
        for positions in chunks:
            if stop.is_set():
                return
            applied = apply_chunk(positions)
            with guard:
                items.extend(applied)
                done[0] += len(positions)

    with ThreadPoolExecutor(len(lanes), thread_name_prefix="lane") as pool:
        futures = [pool.submit(lane, chunks) for chunks in lanes]
        pending = set(futures)
        try:
            while pending:
                _, pending = wait(pending, timeout=POLL, return_when=FIRST_EXCEPTION)
                failed = next((f for f in futures if f.done() and f.exception() is not None), None)
                if failed is not None:
                    stop.set()
                    wait(pending)
                    with guard:
                        raise LaneFailed(failed.exception() or RuntimeError("lane failed"), list(items))
                with guard:
                    progress(done[0] / total)
        except BaseException:
            stop.set()  # a failed lane, a failing progress report, Ctrl-C: no lane starts a chunk
            raise
    return items
