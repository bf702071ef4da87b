"""One bench run: prepare the database, time each step, optionally the raw floor, one result."""

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine

from bench import audit, steps
from bench.floor import FLOOR_PER_THREAD, FLOOR_THREADS, run_floor
from bench.mix import MixResult, run_mix
from bench.pages import page_runs
from bench.route import route
from bench.target import ADMIN_USERNAME, BenchTenant, prepare
from core.bulk.assign import MAX_LEADS
from core.domain.audit_chain import AuditKey
from core.domain.errors import InvalidInput
from db import scratch
from db.audit_key import with_audit_key
from db.audit_verify import verify_audit_chains
from db.engine import check_connection, create_database_engine
from db.invariants import find_violations

T = TypeVar("T")
# The keys the raw floors report too; a ratio is ours / floor (for the rate: higher is better).
COMPARED = ("rescore_all_s", "bulk_assign_s", "capacity_view_s", "leaderboard_s",
            "agent_leaderboard_s", "concurrent_assign_per_s")


@dataclass(frozen=True)
class BenchOptions:
    url: str
    leads: int
    agents: int
    bulk: int
    threads: int = FLOOR_THREADS
    per_thread: int = FLOOR_PER_THREAD
    floor: bool = False
    mix_processes: int = 32
    mix_operations: int = 200
    cluster: tuple[str, ...] = ()  # one URL per node of a cluster to run the mix on too
    audit_rows: int = 0  # audit rows to seed and time the audit page over (bench/audit.py); 0: none

    def validated(self) -> "BenchOptions":
        if self.leads < 1 or self.agents < 1:
            raise InvalidInput("The bench needs at least one lead and one agent.")
        if not 1 <= self.bulk <= MAX_LEADS:
            raise InvalidInput(f"--bulk takes 1 to {MAX_LEADS:,} leads, as a bulk run does.")
        if self.threads < 1 or self.per_thread < 1:
            raise InvalidInput("--threads and --per-thread must be at least 1.")
        if self.mix_processes < 1 or self.mix_operations < 1:
            raise InvalidInput("--mix-processes and --mix-operations must be at least 1.")
        if self.audit_rows < 0:
            raise InvalidInput("--audit-rows must be 0 (no audit step) or more.")
        return self


def _backend(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return "sqlite"
    return "mariadb" if getattr(engine.dialect, "is_mariadb", False) else "mysql"


def _timed(progress: Callable[[str], None], label: str, step: Callable[[], T]) -> T:
    progress(f"{label} …")
    started = time.perf_counter()
    value = step()
    progress(f"{label}: done in {time.perf_counter() - started:.2f} s")
    return value


def _ratios(ours: dict, floor: dict) -> dict:
    def ratio(key: str) -> float | None:
        mine, theirs = ours.get(key), floor.get(key)
        if not isinstance(mine, int | float) or not isinstance(theirs, int | float) or not theirs:
            return None
        return round(mine / theirs, 2)
    return {key: ratio(key) for key in COMPARED}


def _with_floor(result: dict, engine: Engine, options: BenchOptions,
                progress: Callable[[str], None]) -> dict:
    floor = _timed(progress, "raw floor", lambda: run_floor(
        engine, leads=options.leads, agents=options.agents, bulk=options.bulk))
    notes = result["notes"]
    if floor.figures is None:
        notes["floor"] = floor.note
        return {**result, "floor": None, "ratio": None}
    notes["floor_rescore_all_s"] = (f"the median of {len(floor.runs)} runs of the floor script; its "
                                    "rescore took " + ", ".join(
                                        f"{run['rescore_all_s']:.2f}" for run in floor.runs) + " s")
    if "concurrent_assign_per_s" not in floor.figures:
        notes["floor"] = "this floor has no concurrent_assign_per_s (raw_sqlite.py is single-threaded)"
    elif (options.threads, options.per_thread) != (FLOOR_THREADS, FLOOR_PER_THREAD):
        notes["floor"] = (f"the floor's concurrent_assign_per_s uses {FLOOR_THREADS} threads x "
                          f"{FLOOR_PER_THREAD}; this run {options.threads} x {options.per_thread}")
    ratios = _ratios(result, floor.figures)
    bulk_floor = floor.figures.get("bulk_assign_s")
    if isinstance(bulk_floor, int | float) and bulk_floor:  # issue #19: within 2x the floor's bulk
        ratios["route_s_to_2x_floor_bulk_assign_s"] = round(result["route_s"] / (2 * bulk_floor), 2)
    return {**result, "floor": floor.figures, "ratio": ratios}


def _rescore_note(rescore: steps.RescoreResult) -> str:
    note = (f"the median of {len(rescore.each_seconds)} weights changes, there and back, on leads "
            "scored once before with the default weights (untimed): "
            f"{rescore.rescored:,} leads rescored, {rescore.changed:,} scores changed, each with its "
            "history row; each change took "
            + ", ".join(f"{seconds:.2f}" for seconds in rescore.each_seconds) + " s")
    if rescore.rest_seconds:
        note += ("; before each change and after the last, the bench waited (untimed) "
                 + ", ".join(f"{seconds:.1f}" for seconds in rescore.rest_seconds)
                 + " s for the server to purge what earlier writes left")
    return note


def _notes(options: BenchOptions, rescore: steps.RescoreResult, bulk: steps.BulkResult,
           concurrent: steps.ConcurrentResult) -> dict[str, str]:
    return {
        "rescore_all_s": _rescore_note(rescore),
        "bulk_assign_s": f"preview and commit, least_loaded strategy, the {options.bulk:,} best new "
                         f"leads: {bulk.placed:,} placed, {bulk.not_placed:,} not placed (agents "
                         "full or lacking the skill)",
        "concurrent_assign_per_s": f"{options.threads} threads x {options.per_thread}: "
                                   f"{concurrent.assigned} assigned, {concurrent.refused} refused",
    }


def _mix(urls: list[str] | tuple[str, ...], audit_secret: str, bench: BenchTenant,
         options: BenchOptions) -> MixResult:
    return run_mix(urls, audit_secret, bench.admin, range(bench.lead_ids.low, bench.lead_ids.high + 1),
                   range(bench.agent_ids.low, bench.agent_ids.high + 1),
                   processes=options.mix_processes, operations=options.mix_operations)


def _mix_figures(mix: MixResult) -> dict:
    return {"done_per_s": round(mix.done_per_s, 1), "done": mix.done, "refused": mix.refused,
            "gave_up_pct": round(mix.gave_up_pct, 2), "unexpected": len(mix.unexpected),
            "first_unexpected": mix.unexpected[:3], "seconds": round(mix.seconds, 2),
            "processes": mix.processes}


def _cluster_mix(options: BenchOptions, audit_secret: str, one_server: MixResult,
                 progress: Callable[[str], None]) -> dict:
    """The same data and the same mix on the cluster, writers spread over its nodes; then
    every node checked: the invariants hold and the nodes verify the audit trail."""
    nodes = [with_audit_key(create_database_engine(url), AuditKey(audit_secret.encode()))
             for url in options.cluster]
    try:
        bench = prepare(nodes[0], leads=options.leads, agents=options.agents, progress=progress)
        mix = _mix(options.cluster, audit_secret, bench, options)
        figures = _mix_figures(mix)
        figures["nodes"] = len(nodes)
        figures["ratio_to_one_server"] = (round(mix.done_per_s / one_server.done_per_s, 2)
                                          if one_server.done_per_s else None)
        figures["capacity_violations"] = [len(find_violations(node)) for node in nodes]
        figures["audit_breaks"] = [len(verify_audit_chains(node)[1]) for node in nodes]
        return figures
    finally:
        for node in nodes:
            node.dispose()


def run_bench(options: BenchOptions, progress: Callable[[str], None]) -> dict:
    """The result object `cli.py bench --json` prints (docs/benchmarks.md lists its keys)."""
    options = options.validated()
    # The scratch database is filled afresh on every run, so a key of the run's own will do.
    audit_secret = secrets.token_urlsafe(32)
    engine = with_audit_key(create_database_engine(options.url), AuditKey(audit_secret.encode()))
    try:
        check_connection(engine)
        bench = _timed(progress, f"preparing {options.leads:,} leads, {options.agents:,} agents",
                       lambda: prepare(engine, leads=options.leads, agents=options.agents,
                                       progress=progress))
        rescore = _timed(progress, "rescore_all_s", lambda: steps.rescore_all(engine, bench))
        capacity = _timed(progress, "capacity_view_s", lambda: steps.capacity_view(engine, bench))
        board = _timed(progress, "leaderboard_s", lambda: steps.leaderboard(engine, bench))
        agents_board = _timed(progress, "agent_leaderboard_s",
                              lambda: steps.agent_leaderboard(engine, bench))
        ledger = scratch.ledger_rows(engine, bench.tenant_id)
        concurrent = _timed(progress, f"concurrent_assign_per_s ({options.threads} x "
                                      f"{options.per_thread})",
                            lambda: steps.concurrent_assign(engine, bench, threads=options.threads,
                                                            per_thread=options.per_thread))
        mix = _timed(progress, f"mix ({options.mix_processes} processes x {options.mix_operations})",
                     lambda: _mix([options.url], audit_secret, bench, options))
        # After the single assignments: a bulk run of the demo's size fills every free slot,
        # and the concurrent step would then measure refusals only.
        bulk = _timed(progress, f"bulk_assign_s ({options.bulk:,} leads)",
                      lambda: steps.bulk_assign(engine, bench, leads=options.bulk))
        # Before the pages, so that the audit page runs over these rows too.
        audit_figures = _timed(progress, f"audit screens ({options.audit_rows:,} audit rows)",
                               lambda: audit.run(engine, bench.admin, bench.lead_ids, rows=options.audit_rows,
                                                 progress=progress)) if options.audit_rows else {}
        cold_pages, pages = _timed(progress, "page_cold_s, page_run_s",
                                   lambda: page_runs(options.url, ADMIN_USERNAME, audit_secret, progress))
        routed = _timed(progress, "route_s", lambda: route(engine, bench))
        weights_cache = steps.weights_cache_note(engine, bench)
        violations = _timed(progress, "capacity_violations", lambda: find_violations(engine))
        result = {
            "leads": options.leads, "agents": options.agents, "backend": _backend(engine),
            "rescore_all_s": round(rescore.seconds, 4), "bulk_assign_s": round(bulk.seconds, 4),
            "capacity_view_s": round(capacity, 4), "leaderboard_s": round(board, 4),
            "agent_leaderboard_s": round(agents_board, 4),
            "concurrent_assign_per_s": round(concurrent.attempts_per_s, 1),
            "route_s": round(routed.seconds, 4),
            "capacity_violations": len(violations),
            "page_cold_s": {name: round(seconds, 4) for name, seconds in cold_pages.items()},
            "page_run_s": {name: round(seconds, 4) for name, seconds in pages.items()},
            "mix": _mix_figures(mix),
            "notes": {**_notes(options, rescore, bulk, concurrent),
                      "agent_leaderboard_s": f"this week's top 100 of {options.agents:,} agents, "
                                             f"over a ledger of {ledger:,} rows",
                      "route_s": f"one routing run over the best new leads by the tenant's rules: "
                                 f"{routed.placed:,} placed, {routed.left:,} left (bench/route.py); "
                                 "target: at most 2x the floor's bulk_assign_s",
                      "scoring_weights_cache": weights_cache},
            **audit_figures,
        }
        if options.cluster:
            result["cluster"] = _timed(progress, f"the mix on a {len(options.cluster)}-node cluster",
                                       lambda: _cluster_mix(options, audit_secret, mix, progress))
        return _with_floor(result, engine, options, progress) if options.floor else result
    finally:
        engine.dispose()


def _cell(value: object) -> str:
    if value is None:
        return "—"
    return f"{value:,.4g}" if isinstance(value, float) else str(value)


def format_table(result: dict) -> str:
    """The result as a short table for a person (without --json)."""
    floor, ratio = result.get("floor"), result.get("ratio") or {}
    rows = [(key, result[key], (floor or {}).get(key), ratio.get(key)) for key in COMPARED]
    rows += [(f"page_cold_s.{page}", seconds, None, None)
             for page, seconds in result["page_cold_s"].items()]
    rows += [(f"page_run_s.{page}", seconds, None, None)
             for page, seconds in result["page_run_s"].items()]
    floor_bulk = (floor or {}).get("bulk_assign_s")
    rows.append(("route_s", result["route_s"], 2 * floor_bulk if floor_bulk else None,
                 round(result["route_s"] / (2 * floor_bulk), 2) if floor_bulk else None))
    rows += [(key, result[key], result["audit"]["floor"][key], result["audit"]["ratio"][key])
             for key in audit.KEYS if key in result]  # their floor is the bench's own (bench/audit.py)
    rows.append(("capacity_violations", result["capacity_violations"], None, None))
    columns = 3 if floor or "audit" in result else 1
    header = ("measure", "ours", "floor", "ratio")[:columns + 1]
    lines = [f"LeadOps bench: {result['leads']:,} leads, {result['agents']:,} agents on "
             f"{result['backend']}", f"{header[0]:<30}" + "".join(f"{h:>12}" for h in header[1:])]
    lines += [f"{row[0]:<30}" + "".join(f"{_cell(v):>12}" for v in row[1:columns + 1])
              for row in rows]
    for name, mix in (("mix", result["mix"]), ("cluster mix", result.get("cluster"))):
        if mix:
            lines.append(f"{name}: {mix['done_per_s']:,} changes/s done, {mix['gave_up_pct']}% gave up, "
                         f"{mix['unexpected']} unexpected ({mix['processes']} processes)")
    if result.get("cluster"):
        lines.append(f"cluster mix / one server: {result['cluster']['ratio_to_one_server']}")
    lines += [f"note: {key}: {why}" for key, why in result["notes"].items()]
    return "\n".join(lines)
