"""The what-if preview of a weights change: what saving would do to every lead, writing nothing.

numpy over category codes: one `bincount` gives the 4x4 matrix of moves, and source and
category arrive as pandas categoricals, so no string is compared per lead.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from core.domain.scoring import Thresholds, Weights, to_cents, validated_source_table
from core.domain.vocabulary import ScoreCategory

CATEGORIES = tuple(c.value for c in ScoreCategory)  # best first, as the codes count
COMPONENTS = ("source_quality_score", "engagement_score", "conversion_probability", "urgency_score")
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Preview:
    counts: pd.DataFrame       # index: category; columns: before, after
    moves: pd.DataFrame        # 4x4: rows = before, columns = after
    biggest_moves: pd.DataFrame  # lead_id, name, before, after, change, category_before, category_after
    newly_hot: int


def category_codes(cents: Ints, thresholds: Thresholds) -> Ints:
    """Index into CATEGORIES for each score in hundredths: 0 hot … 3 nurture."""
    hot, warm, cold = (to_cents(t) for t in (thresholds.hot, thresholds.warm, thresholds.cold))
    codes: Ints = np.select([cents >= hot, cents >= warm, cents >= cold], [0, 1, 2], 3).astype(np.int64)
    return codes


def _codes(values: pd.Series, categories: tuple[str, ...] | list[str]) -> Ints:
    """Position of each value in `categories` (-1 if absent). A categorical column (as
    scored_leads returns) is recoded through its few categories, not value by value."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    return np.asarray(values.cat.set_categories(list(categories)).cat.codes, dtype=np.int64)


def _largest(values: npt.NDArray[np.float64], k: int) -> Ints:
    """Positions of the k largest values, largest first, earlier position first among equals."""
    k = min(k, len(values))
    if k == 0:
        return np.array([], dtype=np.int64)
    chosen = np.argpartition(-values, k - 1)[:k]  # linear, where a full sort is n log n
    threshold = values[chosen].min()
    ties: Ints = np.flatnonzero(values >= threshold).astype(np.int64)  # every tie at the edge
    ordered: Ints = ties[np.lexsort((ties, -values[ties]))][:k]
    return ordered


def overall_cents(frame: pd.DataFrame, weights: Weights) -> Ints:
    """The exact whole-number formula of core.domain.scoring, vectorized."""
    units = np.array(weights.as_units(), dtype=np.int64)
    components = np.rint(frame[list(COMPONENTS)].to_numpy(dtype=float) * 100).astype(np.int64)
    numerator = components @ units
    cents: Ints = (2 * numerator + units.sum()) // (2 * units.sum())
    return cents


def preview(frame: pd.DataFrame, weights: Weights, thresholds: Thresholds, *, top: int = 15,
            source_quality: dict[str, int] | None = None) -> Preview:
    """What saving these weights (and source table) would do to every lead, writing nothing."""
    weights, thresholds = weights.validated(), thresholds.validated()
    if source_quality is not None:  # the source component is just the table's value
        table = validated_source_table(source_quality)
        lookup = np.array([*table.values(), table.get("other", 30)], dtype=float)
        frame = frame.assign(source_quality_score=lookup[_codes(frame["source"], list(table))])
    after_cents = overall_cents(frame, weights)
    # Category codes and one bincount give the 4x4 matrix and both tallies (fast at 1M rows).
    after_codes = category_codes(after_cents, thresholds)
    before_codes = _codes(frame["score_category"], CATEGORIES)
    names = np.array(CATEGORIES)
    matrix = np.bincount(before_codes * 4 + after_codes, minlength=16).reshape(4, 4)
    moves = pd.DataFrame(matrix, index=pd.Index(CATEGORIES, name="before"),
                         columns=pd.Index(CATEGORIES, name="after"))
    counts = pd.DataFrame({"before": matrix.sum(axis=1), "after": matrix.sum(axis=0)},
                          index=list(CATEGORIES))
    change = after_cents / 100 - frame["overall_score"].to_numpy(dtype=float)
    order = _largest(np.abs(change), top)
    biggest = pd.DataFrame({
        "lead_id": frame["id"].to_numpy()[order], "name": frame["name"].to_numpy()[order],
        "before": frame["overall_score"].to_numpy(dtype=float)[order],
        "after": after_cents[order] / 100, "change": np.round(change[order], 2),
        "category_before": names[before_codes[order]], "category_after": names[after_codes[order]],
    })
    hot = CATEGORIES.index(ScoreCategory.HOT)
    newly_hot = int(((after_codes == hot) & (before_codes != hot)).sum())
    return Preview(counts, moves, biggest, newly_hot)
