"""The agent performance score (docs/design.md §6): its formula at known points."""

import pytest

from core.domain.performance import ConversionCount, RecentWork, performance_of


def test_a_newcomer_stands_in_the_middle():
    newcomer = performance_of(ConversionCount(0, 0), RecentWork())
    assert (newcomer.conversion, newcomer.speed, newcomer.recent_points) == (50.0, 50.0, 0.0)
    assert newcomer.score == 37.5


def test_a_strong_agent_scores_near_the_top():
    strong = performance_of(ConversionCount(40, 100), RecentWork(1_200, 20, 18))
    assert strong.conversion == 95.5           # (40 + 2) / (100 + 10) = 38.2%, of 40% for full marks
    assert strong.speed == 86.4                # (18 + 1) / (20 + 2)
    assert strong.recent_points == 100.0       # capped at 1,000 points
    assert strong.score == pytest.approx(0.5 * 95.5 + 0.25 * 86.4 + 0.25 * 100, abs=0.06)


def test_a_high_converter_reaches_full_conversion_marks():
    assert performance_of(ConversionCount(60, 100), RecentWork()).conversion == 100.0


def test_more_conversions_never_lower_the_score():
    scores = [performance_of(ConversionCount(c, 50), RecentWork(300, 10, 5)).score for c in range(0, 51, 5)]
    assert scores == sorted(scores)
