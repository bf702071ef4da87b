"""How rescore_tenant spreads a tenant over chunks written at once: every id once, progress in
order on the caller's thread, no new chunk after one failed, and cleanup held back until every
chunk is written."""

import threading
import time
from contextlib import contextmanager
from datetime import datetime

import pytest

from core.scoring.rescoring import rescore_tenant
from tests.unit.builders import ADMIN

NOW = datetime(2026, 11, 22, 9, 0)


class ChunkRecorder:
    """The scoring repository and unit of work of a store that can write `at_once` chunks."""

    def __init__(self, bounds, at_once, fail_low=None, seconds=0.0):
        self.bounds, self.at_once, self.fail_low, self.seconds = bounds, at_once, fail_low, seconds
        self.started, self.committed = [], []
        self.events = []  # ("chunk", low) as each chunk commits; cleanup held and let go
        self.lock = threading.Lock()
        self.scoring = self

    def __call__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        pass

    def id_bounds(self, tenant_id):
        return self.bounds

    def current_settings(self, tenant_id):
        return "settings"

    def chunks_at_once(self):
        return self.at_once

    @contextmanager
    def cleanup_deferred(self):
        self.events.append("cleanup held")
        try:
            yield
        finally:
            self.events.append("cleanup let go")

    def apply_overall(self, tenant_id, settings, *, low, high, now, method):
        with self.lock:
            self.started.append((low, high))
        if low == self.fail_low:
            raise RuntimeError("chunk failed")
        time.sleep(self.seconds)
        with self.lock:
            self.committed.append((low, high))
            self.events.append(("chunk", low))
        return high - low + 1


def test_chunks_written_at_once_cover_every_id_once_and_report_progress_in_order():
    store = ChunkRecorder(bounds=(5, 104), at_once=3, seconds=0.01)
    reported = []
    report = rescore_tenant(store, ADMIN, NOW, refresh_components=False, chunk_ids=7,
                            progress=lambda done: reported.append((done, threading.get_ident())))
    ids = sorted(i for low, high in store.committed for i in range(low, high + 1))
    assert ids == list(range(5, 105))
    assert (report.leads, report.chunks) == (100, 15)
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)
    assert reported[-1][0] == 1 and {thread for _, thread in reported} == {threading.get_ident()}


def test_no_new_chunk_starts_once_a_failure_reaches_the_caller():
    store = ChunkRecorder(bounds=(1, 300), at_once=3, fail_low=11, seconds=0.05)
    with pytest.raises(RuntimeError, match="chunk failed"):
        rescore_tenant(store, ADMIN, NOW, refresh_components=False, chunk_ids=10)
    assert len(store.started) < 10  # of 30: the rest were cancelled, not written


def test_cleanup_is_held_back_from_before_the_first_chunk_until_after_the_last():
    store = ChunkRecorder(bounds=(1, 100), at_once=3, seconds=0.01)
    rescore_tenant(store, ADMIN, NOW, refresh_components=False, chunk_ids=10)
    assert store.events[0] == "cleanup held" and store.events[-1] == "cleanup let go"
    assert sorted(store.events[1:-1]) == [("chunk", low) for low in range(1, 101, 10)]


def test_cleanup_is_let_go_when_a_chunk_fails():
    store = ChunkRecorder(bounds=(1, 100), at_once=3, fail_low=31, seconds=0.01)
    with pytest.raises(RuntimeError, match="chunk failed"):
        rescore_tenant(store, ADMIN, NOW, refresh_components=False, chunk_ids=10)
    assert store.events[0] == "cleanup held" and store.events[-1] == "cleanup let go"
    assert all(event[0] == "chunk" for event in store.events[1:-1])  # chunks running finished first
