"""The bench's rescore figure: weights changes there and back, each on a server at rest, and the
median one reported."""

from bench import rest, steps
from core.domain.scoring import Weights


def test_the_median_change_is_reported_with_every_change_behind_it(monkeypatch):
    timed = iter([(3.0, 10, 9), (1.0, 10, 8), (2.0, 10, 7)])
    waits = iter([0.5, 4.0, 3.5, 5.0])
    events = []

    def fake_change(engine, bench, weights):
        events.append(weights)
        return next(timed)

    def fake_wait(engine):
        events.append("rest")
        return next(waits)

    monkeypatch.setattr(steps, "_weights_change", fake_change)
    monkeypatch.setattr(steps, "wait_until_at_rest", fake_wait)
    result = steps.rescore_all(engine=None, bench=None, changes=3)
    assert result == steps.RescoreResult(2.0, 10, 7, (3.0, 1.0, 2.0), (0.5, 4.0, 3.5, 5.0))
    # there, back, there: each on a server at rest, which the step leaves at rest too
    assert events == ["rest", steps.NEW_WEIGHTS, "rest", Weights(), "rest", steps.NEW_WEIGHTS,
                      "rest"]


def test_nothing_is_waited_for_where_the_server_cannot_say(monkeypatch):
    monkeypatch.setattr(steps, "_weights_change", lambda engine, bench, weights: (1.0, 10, 9))
    monkeypatch.setattr(steps, "wait_until_at_rest", lambda engine: None)  # SQLite
    assert steps.rescore_all(engine=None, bench=None, changes=1).rest_seconds == ()


def test_the_wait_ends_once_purge_has_caught_up(monkeypatch):
    lengths = iter([52, 30, 6, 1, 0, 0])
    monkeypatch.setattr(rest, "history_length", lambda engine: next(lengths))
    monkeypatch.setattr(rest, "POLL_S", 0)
    assert rest.wait_until_at_rest(engine=None) is not None
    assert next(lengths) == 0 and next(lengths, "none left") == "none left"  # read until 0, no further


def test_the_wait_gives_up_after_its_patience(monkeypatch):
    monkeypatch.setattr(rest, "history_length", lambda engine: 50)
    monkeypatch.setattr(rest, "POLL_S", 0.01)
    assert 0.05 <= rest.wait_until_at_rest(engine=None, patience_s=0.05) < 1
