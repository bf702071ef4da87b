"""The bench's rescore figure: weights changes there and back, and the median one reported."""

from core.scoring import Weights
from db.bench import steps


def test_the_median_change_is_reported_with_every_change_behind_it(monkeypatch):
    timed = iter([(3.0, 10, 9), (1.0, 10, 8), (2.0, 10, 7)])
    saved = []

    def fake_change(engine, bench, weights):
        saved.append(weights)
        return next(timed)

    monkeypatch.setattr(steps, "_weights_change", fake_change)
    result = steps.rescore_all(engine=None, bench=None, changes=3)
    assert result == steps.RescoreResult(2.0, 10, 7, (3.0, 1.0, 2.0))
    assert saved == [steps.NEW_WEIGHTS, Weights(), steps.NEW_WEIGHTS]  # there, back, there
