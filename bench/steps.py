"""The timed steps: each calls the project's own use case, the way a page or cron does."""

import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine

from bench.rest import wait_until_at_rest
from bench.target import BenchTenant
from core.agents.capacity import agent_capacity
from core.bulk.assign import BulkPlan, BulkRequest, plan_bulk_assign
from core.bulk.assign_commit import commit_bulk_assign
from core.domain.clock import utcnow
from core.domain.errors import LeadOpsError
from core.domain.leads import LeadFilters
from core.domain.placement import Strategy
from core.domain.scoring import Thresholds, Weights
from core.domain.standings import Window
from core.gamification.standings import agent_leaderboard as agents_board
from core.leads.assignment import assign_lead
from core.leads.search import search_leads
from core.scoring.weights import save_weights, scored_leads
from db.scratch import score_changes_of_version
from db.unit_of_work import SqlUnitOfWork

READ_REPEATS = 3  # reads are timed after one warm-up call; the median of these is reported
LEADERBOARD_SIZE = 100
# The weights change: a quarter of the weight moves between components, thresholds stay.
NEW_WEIGHTS = Weights(Decimal("0.30"), Decimal("0.20"), Decimal("0.30"), Decimal("0.20"))
# Weights changes timed, there and back: one change at a million leads varied by a quarter
# between runs on the same server (docs/benchmarks.md), so the median of three is reported.
RESCORE_CHANGES = 3


def _seconds(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


@dataclass(frozen=True)
class RescoreResult:
    seconds: float  # the median weights change
    rescored: int
    changed: int  # scores that moved, each with its history row
    each_seconds: tuple[float, ...]  # every timed change, in order
    # Untimed waits for a server at rest: before each change, then after the last (empty where
    # the server cannot say, as SQLite).
    rest_seconds: tuple[float, ...] = ()


def rescore_all(engine: Engine, bench: BenchTenant, *, changes: int = RESCORE_CHANGES) -> RescoreResult:
    """An admin saves new weights, then the default ones back, and so on: each save is the
    version row and its audit, then every lead rescored. Each starts on a server at rest, as
    an admin's save does, and the step leaves it at rest for the next (bench.rest). The
    median change is reported."""
    runs, rests = [], []
    for turn in range(changes + 1):
        rested = wait_until_at_rest(engine)
        if rested is not None:
            rests.append(rested)
        if turn < changes:
            runs.append(_weights_change(engine, bench, NEW_WEIGHTS if turn % 2 == 0 else Weights()))
    seconds, rescored, changed = sorted(runs)[len(runs) // 2]
    return RescoreResult(seconds, rescored, changed, tuple(run[0] for run in runs), tuple(rests))


def _weights_change(engine: Engine, bench: BenchTenant, weights: Weights) -> tuple[float, int, int]:
    """Seconds, leads rescored and scores changed (history rows of the new version)."""
    started = time.perf_counter()
    saved = save_weights(lambda: SqlUnitOfWork(engine), bench.admin, weights=weights,
                         thresholds=Thresholds(), reason="bench: weights change", now=utcnow())
    seconds = time.perf_counter() - started
    return seconds, saved.leads, score_changes_of_version(engine, bench.tenant_id, saved.version)


@dataclass(frozen=True)
class BulkResult:
    seconds: float
    placed: int
    not_placed: int


def bulk_assign(engine: Engine, bench: BenchTenant, *, leads: int) -> BulkResult:
    """The bulk page's preview and commit: the `leads` best new leads, least-loaded first."""
    request = BulkRequest(strategy=Strategy.LEAST_LOADED, filters=LeadFilters(statuses=("new",)),
                          limit=leads)
    started = time.perf_counter()
    plan = plan_bulk_assign(SqlUnitOfWork(engine, read_only=True), bench.admin, request)
    if not plan.placed:  # every agent full: committing would be refused, the plan is the run
        return BulkResult(time.perf_counter() - started, 0, len(plan.unplaced))
    outcome = commit_bulk_assign(lambda: SqlUnitOfWork(engine), bench.admin, plan)
    seconds = time.perf_counter() - started
    if isinstance(outcome, BulkPlan):  # nothing else writes during the bench
        raise RuntimeError(f"bulk assignment re-planned during the bench: {outcome.notice}")
    return BulkResult(seconds, outcome.assigned, len(outcome.refused))


def _median_warm(read: Callable[[], object]) -> float:
    read()  # the first call compiles statements and warms caches, as a running server has
    return statistics.median(_seconds(read) for _ in range(READ_REPEATS))


def capacity_view(engine: Engine, bench: BenchTenant) -> float:
    return _median_warm(lambda: agent_capacity(SqlUnitOfWork(engine, read_only=True), bench.admin))


def leaderboard(engine: Engine, bench: BenchTenant) -> float:
    """The scoring leaderboard's top 100 leads by score, read as its page reads them (best
    first, uncounted: the page shows no pager)."""
    return _median_warm(lambda: search_leads(SqlUnitOfWork(engine, read_only=True), bench.admin,
                                             LeadFilters(), page=1, page_size=LEADERBOARD_SIZE,
                                             count=False))


def agent_leaderboard(engine: Engine, bench: BenchTenant) -> float:
    """The agents tab's data, as its page reads it: this week's top 100 agents by points, each
    with level, badges, conversions and performance score."""
    return _median_warm(lambda: agents_board(SqlUnitOfWork(engine, read_only=True), bench.admin,
                                             Window.WEEK))


def weights_cache_note(engine: Engine, bench: BenchTenant) -> str:
    """The size of what the weights page caches per tenant and version: every open and new
    lead's components, as pandas holds them (numpy arrays, arrow strings for the names)."""
    frame = scored_leads(SqlUnitOfWork(engine, read_only=True), bench.admin)
    return f"{len(frame):,} open and new leads, {frame.memory_usage(deep=True).sum() / 1e6:.1f} MB"


@dataclass(frozen=True)
class ConcurrentResult:
    attempts_per_s: float
    assigned: int
    refused: int


def concurrent_assign(engine: Engine, bench: BenchTenant, *, threads: int,
                      per_thread: int) -> ConcurrentResult:
    """T threads x P single assignments of random (lead, agent) pairs, one transaction each.

    Refusals (full agent, lead not new, missing skill, busy database) count as attempts, as in
    the raw floor, which seeds thread k's pairs with random.Random(k) too.
    """
    counts, failures, lock = {"assigned": 0, "refused": 0}, [], threading.Lock()

    def worker(index: int) -> None:
        rnd, assigned, refused = random.Random(index), 0, 0
        try:
            for _ in range(per_thread):
                lead_id, agent_id = rnd.randint(*bench.lead_ids), rnd.randint(*bench.agent_ids)
                try:
                    assign_lead(SqlUnitOfWork(engine), bench.admin, lead_id=lead_id,
                                agent_id=agent_id)
                    assigned += 1
                except LeadOpsError:
                    refused += 1
        except Exception as exc:  # anything else is a bug: reported after the run
            failures.append(exc)
        with lock:
            counts["assigned"] += assigned
            counts["refused"] += refused

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    return ConcurrentResult(threads * per_thread / elapsed, counts["assigned"], counts["refused"])
