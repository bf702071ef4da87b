"""cli.py bench as an operator runs it, at a tiny size: the keys, the invariants, the refusal."""

import json
import re

from sqlalchemy import func, select

from bench import format_table
from bench.floor import SHARED_BENCH
from db.demo import seed_demo
from db.models import AuditRow, Lead
from tests.cli.test_cli import run_cli

SMALL = ("--leads", "300", "--agents", "20", "--bulk", "50", "--threads", "4", "--per-thread", "10",
         "--mix-processes", "3", "--mix-operations", "10")
KEYS = {"leads", "agents", "backend", "rescore_all_s", "bulk_assign_s", "capacity_view_s",
        "leaderboard_s", "agent_leaderboard_s", "concurrent_assign_per_s", "capacity_violations",
        "page_cold_s", "page_run_s", "mix", "notes", "route_s"}


def bench(url: str, *extra: str):
    return run_cli("bench", "--url", url, *SMALL, *extra)


def test_bench_fills_an_empty_database_and_reports_every_key(engine, database_url):
    result = bench(database_url, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == KEYS
    assert (report["leads"], report["agents"]) == (300, 20)
    assert report["backend"] in ({"sqlite"} if engine.dialect.name == "sqlite" else {"mysql", "mariadb"})
    assert report["capacity_violations"] == 0
    for key in ("rescore_all_s", "bulk_assign_s", "capacity_view_s", "leaderboard_s",
                "agent_leaderboard_s", "concurrent_assign_per_s"):
        assert report[key] > 0, key
    ledger = re.search(r"top 100 of 20 agents, over a ledger of ([\d,]+) rows",
                       report["notes"]["agent_leaderboard_s"])
    assert ledger and int(ledger.group(1).replace(",", "")) > 100  # several rows per lead worked
    for key in ("page_cold_s", "page_run_s"):  # each page's first run, then a warm one
        assert set(report[key]) == {"agent_capacity", "lead_assignment", "bulk_operations",
                                    "scoring_leaderboard", "scoring_weights", "audit_log"}
        assert all(seconds > 0 for seconds in report[key].values())
    assert re.fullmatch(r"[\d,]+ open and new leads, [\d.]+ MB", report["notes"]["scoring_weights_cache"])
    assert "placed" in report["notes"]["bulk_assign_s"]
    routed = re.search(r"([\d,]+) placed, ([\d,]+) left", report["notes"]["route_s"])
    assert report["route_s"] > 0 and routed and int(routed.group(1).replace(",", "")) > 0
    rescored = report["notes"]["rescore_all_s"]  # the timed weights change moved scores
    changed = int(re.search(r"([\d,]+) scores changed", rescored).group(1).replace(",", ""))
    # Closed leads keep the score they closed with: a weights change rescores the others.
    with engine.connect() as connection:
        not_closed = connection.scalar(select(func.count()).select_from(Lead).where(
            Lead.status.not_in(["converted", "lost"])))
    assert f"{not_closed} leads rescored" in rescored and 0.8 * not_closed < changed <= not_closed
    assert 100 < not_closed < 300
    each = [float(s) for s in re.search(r"each change took ([\d., ]+) s", rescored).group(1).split(", ")]
    assert "median of 3 weights changes" in rescored and len(each) == 3
    assert abs(report["rescore_all_s"] - sorted(each)[1]) < 0.006  # the notes round to 0.01 s
    # On MySQL each change waits, untimed, for InnoDB to purge the previous one; SQLite has none.
    assert ("for the server to purge" in rescored) == (engine.dialect.name == "mysql")
    assert "rescore_all_s" in result.stderr  # a progress line per step
    mix = report["mix"]  # 3 processes x 10 random changes, each counted once
    assert mix["done"] + mix["refused"] + round(mix["gave_up_pct"] * 30 / 100) == 30
    assert mix["unexpected"] == 0 and mix["done"] > 0 and mix["done_per_s"] > 0

    assert format_table(report).startswith("LeadOps bench: 300 leads, 20 agents")


def test_bench_runs_again_on_its_own_database_with_the_raw_floor(engine, database_url):
    assert bench(database_url, "--json").returncode == 0
    again = bench(database_url, "--json", "--floor")  # an earlier bench's data is filled afresh
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert set(report) == KEYS | {"floor", "ratio"} and report["capacity_violations"] == 0
    if report["floor"] is None:  # ../shared missing, or no right to create a scratch database
        assert report["ratio"] is None and report["notes"]["floor"]
        assert SHARED_BENCH.is_dir() or "missing" in report["notes"]["floor"]
        return
    assert report["floor"]["rescore_all_s"] > 0
    assert report["notes"]["floor_rescore_all_s"].startswith("the median of 3 runs of the floor script")
    assert report["ratio"]["rescore_all_s"] > 0 and report["ratio"]["bulk_assign_s"] > 0
    assert report["ratio"]["route_s_to_2x_floor_bulk_assign_s"] > 0
    # Only raw_baseline.py (MySQL) times the agents leaderboard; raw_sqlite.py does not.
    assert (report["ratio"]["agent_leaderboard_s"] is not None) == (engine.dialect.name == "mysql")


def test_bench_refuses_a_database_holding_other_data(engine, database_url):
    seed_demo(engine, leads=40, agents=4, password_rounds=4)
    result = bench(database_url, "--json")
    assert result.returncode == 1
    assert "holds data of tenant(s) acme, globex" in result.stderr
    assert "point --url at a scratch database" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_bench_times_the_audit_page_over_the_audit_rows_asked_for(engine, database_url):
    result = bench(database_url, "--json", "--audit-rows", "6000")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == KEYS | {"audit_first_screen_s", "audit_filtered_s", "audit"}
    assert report["audit"]["rows"] == 6000 and report["audit"]["filtered_rows"] == 50
    for key in ("audit_first_screen_s", "audit_filtered_s"):
        assert report[key] > 0 and report["audit"]["floor"][key] > 0 and report["audit"]["ratio"][key] > 0
    table = format_table(report)
    assert re.search(r"^audit_first_screen_s\s+[\d.e-]+\s+[\d.e-]+\s+[\d.]+$", table, re.MULTILINE), table
    with engine.connect() as connection:  # the rows are there, besides those the bench's own steps wrote
        assert connection.scalar(select(func.count()).select_from(AuditRow)) > 6000
