"""The what-if preview is the exact formula, vectorized, and explains what would move."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.errors import InvalidInput
from core.domain.scoring import Components, Thresholds, Weights, category, overall_score
from core.scoring.preview import overall_cents, preview

score = st.decimals(min_value=0, max_value=100, places=2)
weight = st.decimals(min_value=0, max_value=5, places=4)


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "id": range(1, len(rows) + 1), "name": [f"L{i}" for i in range(len(rows))],
        "source_quality_score": [float(r[0]) for r in rows],
        "engagement_score": [float(r[1]) for r in rows],
        "conversion_probability": [float(r[2]) for r in rows],
        "urgency_score": [float(r[3]) for r in rows],
        "overall_score": [float(r[4]) for r in rows],
        "score_category": [r[5] for r in rows],
    })


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(score, score, score, score), min_size=1, max_size=30),
       weights=st.tuples(weight, weight, weight, weight).filter(lambda w: sum(w) > 0))
def test_vectorized_overall_equals_core_overall(rows, weights):
    w = Weights(*weights)
    data = frame([(*r, 0, "nurture") for r in rows])
    vectorized = overall_cents(data, w)
    expected = [overall_score(Components(*r), w) for r in rows]
    assert [Decimal(int(c)) / 100 for c in vectorized] == expected


def test_preview_counts_moves_and_newly_hot():
    data = frame([(90, 90, 90, 90, 90.0, "hot"), (70, 70, 70, 70, 70.0, "warm"),
                  (20, 20, 95, 20, 41.5, "cold"), (0, 0, 0, 0, 0.0, "nurture")])
    result = preview(data, Weights(Decimal(0), Decimal(0), Decimal(1), Decimal(0)), Thresholds())
    assert result.counts.loc["hot"].tolist() == [1, 2]  # before, after
    assert result.counts.loc["cold"].tolist() == [1, 0]
    assert result.newly_hot == 1  # the cold lead with conversion 95
    assert result.moves.loc["cold", "hot"] == 1 and result.moves.loc["hot", "hot"] == 1
    assert result.moves.to_numpy().sum() == 4
    top = result.biggest_moves.iloc[0]
    assert (top["lead_id"], top["before"], top["after"]) == (3, 41.5, 95.0)
    assert np.isclose(top["change"], 53.5)


@pytest.mark.parametrize("weights, thresholds, message", [
    (Weights(Decimal(0), Decimal(0), Decimal(0), Decimal(0)), Thresholds(), "At least one weight"),
    (Weights(), Thresholds(Decimal(50), Decimal(60), Decimal(40)), "hot > warm > cold"),
])
def test_preview_refuses_invalid_settings(weights, thresholds, message):
    with pytest.raises(InvalidInput, match=message):
        preview(frame([(1, 1, 1, 1, 1.0, "nurture")]), weights, thresholds)


def test_category_helper_matches_core():
    assert category(Decimal("79.99"), Thresholds()) == "warm"


def test_a_source_table_change_is_previewed_exactly():
    data = frame([(60, 0, 0, 0, 60.0, "warm"), (40, 0, 0, 0, 40.0, "cold")]).assign(
        source=["website", "social"])
    only_source = Weights(Decimal(1), Decimal(0), Decimal(0), Decimal(0))
    result = preview(data, only_source, Thresholds(), source_quality={"website": 85, "social": 40})
    assert result.newly_hot == 1 and result.counts.loc["hot", "after"] == 1
    with pytest.raises(InvalidInput, match="Source quality for social"):
        preview(data, only_source, Thresholds(), source_quality={"website": 85, "social": 140})


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(score, score, score, score, score,
                               st.sampled_from(["hot", "warm", "cold", "nurture"]),
                               st.sampled_from(["referral", "website", "carrier_pigeon"])),
                     min_size=1, max_size=40))
def test_categorical_input_previews_exactly_like_plain_strings(rows):
    """The page caches the frame with categorical source and category columns; the preview
    must not care, including ties in "leads that move most" (earlier row first)."""
    plain = frame([r[:6] for r in rows]).assign(source=[r[6] for r in rows])
    coded = plain.astype({"source": "category", "score_category": "category"})
    weights = Weights(Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.4"))
    table = {"referral": 90, "website": 60, "other": 30}
    for source_quality in (None, table):
        expected = preview(plain, weights, Thresholds(), top=5, source_quality=source_quality)
        got = preview(coded, weights, Thresholds(), top=5, source_quality=source_quality)
        assert got.newly_hot == expected.newly_hot
        pd.testing.assert_frame_equal(got.counts, expected.counts)
        pd.testing.assert_frame_equal(got.moves, expected.moves)
        pd.testing.assert_frame_equal(got.biggest_moves, expected.biggest_moves)
        change = got.biggest_moves["change"].abs().tolist()
        assert change == sorted(change, reverse=True)
