"""The raw floor's figures are the median of its runs, and a failed run is reported as such."""

from sqlalchemy import create_engine

from bench import floor as floor_module
from bench.floor import Floor, run_floor


def test_each_floor_figure_is_the_median_of_the_runs(monkeypatch, tmp_path):
    monkeypatch.setattr(floor_module, "SHARED_BENCH", tmp_path)  # the scripts are not run
    runs = iter([{"rescore_all_s": 9.0, "leaderboard_s": 0.3}, {"rescore_all_s": 7.0, "leaderboard_s": 0.1},
                 {"rescore_all_s": 11.0, "leaderboard_s": 0.2}])
    monkeypatch.setattr(floor_module, "_sqlite_floor", lambda *args: Floor(next(runs)))
    result = run_floor(create_engine("sqlite://"), leads=10, agents=2, bulk=5, runs=3)
    assert result.figures == {"rescore_all_s": 9.0, "leaderboard_s": 0.2}
    assert [run["rescore_all_s"] for run in result.runs] == [9.0, 7.0, 11.0]


def test_a_failed_run_is_the_result(monkeypatch, tmp_path):
    monkeypatch.setattr(floor_module, "SHARED_BENCH", tmp_path)
    runs = iter([Floor({"rescore_all_s": 9.0}), Floor(None, "raw_sqlite.py failed (exit 1): boom")])
    monkeypatch.setattr(floor_module, "_sqlite_floor", lambda *args: next(runs))
    result = run_floor(create_engine("sqlite://"), leads=10, agents=2, bulk=5, runs=3)
    assert result == Floor(None, "raw_sqlite.py failed (exit 1): boom")
