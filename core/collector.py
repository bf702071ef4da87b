"""Python's cycle collector paused while a long job runs (a routing run, a bulk commit).

Such a job builds tens of thousands of objects that live as long as it does (the snapshot's
leads, the plan, the items). Every 700 or so new objects start a collection, and now and then
a full one walks every object the process holds: in a process that has lived a while (the app
with its caches, the bench after its earlier steps) three full collections took about 0.45 s
of a 1.3 s routing run of 10,000 leads at 1M (docs/benchmarks.md). The job's objects form no
cycles worth a second's wait: reference counting frees them, and the collector is back on when
the last job running ends. Pauses nest and overlap across threads (a count, under a lock); a
collector that was off before stays off.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.was_enabled = False


_pauses = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off inside the block, for every thread of the process."""
    with _pauses.lock:
        if _pauses.running == 0:
            _pauses.was_enabled = gc.isenabled()
            gc.disable()
        _pauses.running += 1
    try:
        yield
    finally:
        with _pauses.lock:
            _pauses.running -= 1
            if _pauses.running == 0 and _pauses.was_enabled:
                gc.enable()
