from decimal import Decimal

from core.domain.scoring import Components, Thresholds, Weights, category, overall_score


def test_published_example_scores_18_6_nurture():
    components = Components(Decimal(25), Decimal(25), Decimal(7), Decimal(20))
    score = overall_score(components, Weights())
    assert score == Decimal("18.60")
    assert category(score, Thresholds()) == "nurture"


def test_weights_are_normalized():
    components = Components(Decimal(100), Decimal(0), Decimal(0), Decimal(0))
    weights = Weights(Decimal(2), Decimal(1), Decimal(1), Decimal(0))
    assert overall_score(components, weights) == Decimal("50.00")


def test_category_boundaries_are_inclusive():
    t = Thresholds()
    assert [category(Decimal(v), t) for v in (80, "79.99", 60, 40, "39.99")] == [
        "hot", "warm", "warm", "cold", "nurture",
    ]
