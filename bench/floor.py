"""The raw-SQL floors of ../shared/bench, run in a subprocess on the same machine and server.

MySQL/MariaDB: raw_baseline.py in a scratch database `<db>_floor` beside the bench database
(created for the run and dropped after it). SQLite: raw_sqlite.py in a temporary directory.
Each figure is the median of FLOOR_RUNS runs of the script.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db.scratch import scratch_database

SHARED_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
FLOOR_THREADS, FLOOR_PER_THREAD = 16, 100  # fixed in raw_baseline.py
# Runs of the floor script, like the bench's three weights changes: its rescore of a million
# leads ranged from 7.9 s to 12.6 s between runs on the same server (docs/benchmarks.md).
FLOOR_RUNS = 3
UNSAFE_IN_URL = set("/?#")  # raw_baseline.py splits its URL with urlparse, without unquoting


@dataclass(frozen=True)
class Floor:
    figures: dict | None
    note: str | None = None  # why there are no figures
    runs: tuple[dict, ...] = ()  # each run's figures, when `figures` are their medians


def _run(command: list[str], env: dict | None = None) -> Floor:
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["(no output)"])[-1][:300]
        return Floor(None, f"{Path(command[1]).name} failed (exit {result.returncode}): {tail}")
    return Floor(json.loads(result.stdout.strip().splitlines()[-1]))


def _sqlite_floor(leads: int, agents: int, bulk: int) -> Floor:
    with tempfile.TemporaryDirectory(prefix="leadops-floor-") as scratch:  # the script's files go here
        env = {**os.environ, "TMPDIR": scratch}
        return _run([sys.executable, str(SHARED_BENCH / "raw_sqlite.py"), str(leads), str(agents),
                     str(bulk)], env)


def _mysql_floor(engine: Engine, leads: int, agents: int, bulk: int) -> Floor:
    url = engine.url
    if not url.host or not url.database:
        return Floor(None, "the raw floor needs a TCP host and a database name in --url")
    user, password = url.username or "", url.password or ""
    if UNSAFE_IN_URL & set(user + password) or ":" in user:
        return Floor(None, "the user name or password holds characters raw_baseline.py cannot parse")
    scratch = f"{url.database}_floor"
    credentials = f"{user}:{password}@" if password else f"{user}@"
    floor_url = f"mysql://{credentials}{url.host}:{url.port or 3306}/{scratch}"
    try:
        with scratch_database(engine, scratch):
            return _run([sys.executable, str(SHARED_BENCH / "raw_baseline.py"), "--url", floor_url,
                         "--leads", str(leads), "--agents", str(agents), "--bulk", str(bulk)])
    except DBAPIError as exc:
        return Floor(None, f"cannot create the scratch database {scratch} for the floor: {exc.orig}")


def run_floor(engine: Engine, *, leads: int, agents: int, bulk: int, runs: int = FLOOR_RUNS) -> Floor:
    """The script's figures, each the median of `runs` runs (each run sets up its own tables)."""
    if not SHARED_BENCH.is_dir():
        return Floor(None, f"{SHARED_BENCH} is missing (CI has shared/ beside the clone); "
                           "floor skipped")
    floors = []
    for _ in range(runs):
        floor = (_sqlite_floor(leads, agents, bulk) if engine.dialect.name == "sqlite"
                 else _mysql_floor(engine, leads, agents, bulk))
        if floor.figures is None:
            return floor
        floors.append(floor.figures)
    return Floor({key: statistics.median(figures[key] for figures in floors) for key in floors[0]},
                 runs=tuple(floors))
