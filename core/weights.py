"""Scoring weights and thresholds: versions, the what-if preview, saving and restoring.

Saving writes a new version row (who, when, why) and its audit row in one transaction, then
rescores every lead of the tenant in chunks. Restoring an old version saves its values again.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.audit import AuditEntry
from core.errors import InvalidInput, NotFound
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork
from core.rescoring import ScoringSettings, rescore_tenant
from core.scoring import Thresholds, Weights, to_cents

CATEGORIES = ("hot", "warm", "cold", "nurture")
COMPONENTS = ("source_quality_score", "engagement_score", "conversion_probability", "urgency_score")
MAX_REASON = 500


def current_settings(uow: UnitOfWork, actor: Actor) -> ScoringSettings:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.scoring.current_settings(actor.tenant_id)


def weight_versions(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    actor.require(Permission.EDIT_SCORING)
    with uow:
        return uow.scoring.versions(actor.tenant_id)


def scored_leads(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """Every lead's stored components, score and category: the preview's input. Source and
    category come as pandas categoricals, so each preview maps them by code, not by string."""
    actor.require(Permission.EDIT_SCORING)
    with uow:
        frame = uow.scoring.components_frame(actor.tenant_id)
    return frame.astype({"source": "category", "score_category": "category"})


def category_codes(cents: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """Index into CATEGORIES for each score in hundredths: 0 hot … 3 nurture."""
    hot, warm, cold = (to_cents(t) for t in (thresholds.hot, thresholds.warm, thresholds.cold))
    return np.select([cents >= hot, cents >= warm, cents >= cold], [0, 1, 2], 3)


def _codes(values: pd.Series, categories) -> np.ndarray:
    """Position of each value in `categories` (-1 if absent). A categorical column (as
    scored_leads returns) is recoded through its few categories, not value by value."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("category")
    return values.cat.set_categories(list(categories)).cat.codes.to_numpy(dtype=np.int64)


def _largest(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest values, largest first, earlier position first among equals."""
    k = min(k, len(values))
    if k == 0:
        return np.array([], dtype=np.int64)
    chosen = np.argpartition(-values, k - 1)[:k]  # linear, where a full sort is n log n
    threshold = values[chosen].min()
    chosen = np.flatnonzero(values >= threshold)  # every tie at the edge, for a stable pick
    return chosen[np.lexsort((chosen, -values[chosen]))][:k]


def overall_cents(frame: pd.DataFrame, weights: Weights) -> np.ndarray:
    """The exact whole-number formula of core.scoring, vectorized."""
    units = np.array(weights.as_units(), dtype=np.int64)
    components = np.rint(frame[list(COMPONENTS)].to_numpy(dtype=float) * 100).astype(np.int64)
    numerator = components @ units
    return (2 * numerator + units.sum()) // (2 * units.sum())


@dataclass(frozen=True)
class Preview:
    counts: pd.DataFrame       # category x (before, after)
    moves: pd.DataFrame        # 4x4: rows = before, columns = after
    biggest_moves: pd.DataFrame
    newly_hot: int


def validated_source_table(table: dict[str, int]) -> dict[str, int]:
    cleaned = {}
    for source, value in table.items():
        if value is None or isinstance(value, bool) or int(value) != value or not 0 <= value <= 100:
            raise InvalidInput(f"Source quality for {source} must be a whole number from 0 to 100.")
        cleaned[source] = int(value)
    return cleaned


def preview(frame: pd.DataFrame, weights: Weights, thresholds: Thresholds, *, top: int = 15,
            source_quality: dict[str, int] | None = None) -> Preview:
    """What saving these weights (and source table) would do to every lead, writing nothing."""
    weights, thresholds = weights.validated(), thresholds.validated()
    if source_quality is not None:  # the source component is just the table's value
        table = validated_source_table(source_quality)
        lookup = np.array([*table.values(), table.get("other", 30)], dtype=float)
        frame = frame.assign(source_quality_score=lookup[_codes(frame["source"], table)])
    after_cents = overall_cents(frame, weights)
    # Category codes and one bincount give the 4x4 matrix and both tallies (fast at 1M rows).
    after_codes = category_codes(after_cents, thresholds)
    before_codes = _codes(frame["score_category"], CATEGORIES)
    names = np.array(CATEGORIES)
    matrix = np.bincount(before_codes * 4 + after_codes, minlength=16).reshape(4, 4)
    moves = pd.DataFrame(matrix, index=pd.Index(CATEGORIES, name="before"),
                         columns=pd.Index(CATEGORIES, name="after"))
    counts = pd.DataFrame({"before": matrix.sum(axis=1), "after": matrix.sum(axis=0)}, index=CATEGORIES)
    change = after_cents / 100 - frame["overall_score"].to_numpy(dtype=float)
    order = _largest(np.abs(change), top)
    biggest = pd.DataFrame({
        "Lead": frame["id"].to_numpy()[order], "Name": frame["name"].to_numpy()[order],
        "Before": frame["overall_score"].to_numpy(dtype=float)[order],
        "After": after_cents[order] / 100, "Change": np.round(change[order], 2),
        "Category before": names[before_codes[order]], "Category after": names[after_codes[order]],
    })
    hot = CATEGORIES.index("hot")
    newly_hot = int(((after_codes == hot) & (before_codes != hot)).sum())
    return Preview(counts, moves, biggest, newly_hot)


@dataclass(frozen=True)
class SaveReport:
    version: int
    leads: int
    seconds: float


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Saving weights needs a reason: say why the scoring changes.")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is too long: at most {MAX_REASON} characters.")
    return reason


def save_weights(
    new_uow: Callable[[], UnitOfWork], actor: Actor, *, weights: Weights, thresholds: Thresholds,
    reason: str, now, source_quality: dict[str, int] | None = None,
    progress: Callable[[float], None] = lambda done: None,
) -> SaveReport:
    actor.require(Permission.EDIT_SCORING)
    weights, thresholds, reason = weights.validated(), thresholds.validated(), _reason(reason)
    started = time.perf_counter()
    with new_uow() as uow:
        previous = uow.scoring.current_settings(actor.tenant_id)
        table = validated_source_table(dict(source_quality or previous.source_quality))
        version = uow.scoring.add_version(actor.tenant_id, weights=weights, thresholds=thresholds,
                                          source_quality=table, by_user_id=actor.user_id,
                                          reason=reason, now=now)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="scoring.weights_saved", entity_type="scoring_weights", entity_id=str(version),
            before=_describe(previous.weights, previous.thresholds),
            after=_describe(weights, thresholds), reason=reason,
        ))
        uow.commit()
    report = rescore_tenant(new_uow, actor.tenant_id, now, progress=progress,
                            refresh_components=table != previous.source_quality)
    return SaveReport(version, report.leads, time.perf_counter() - started)


def restore_version(
    new_uow: Callable[[], UnitOfWork], actor: Actor, *, version: int, reason: str, now,
    progress: Callable[[float], None] = lambda done: None,
) -> SaveReport:
    actor.require(Permission.EDIT_SCORING)
    with new_uow() as uow:
        old = uow.scoring.settings_of_version(actor.tenant_id, version)
    if old is None:
        raise NotFound(f"Weights version {version} does not exist in your tenant.")
    return save_weights(new_uow, actor, weights=old.weights, thresholds=old.thresholds,
                        source_quality=old.source_quality, now=now, progress=progress,
                        reason=f"Restore version {version}: {_reason(reason)}")


def _describe(weights: Weights, thresholds: Thresholds) -> dict:
    return {"weights": [str(w) for w in (weights.source_quality, weights.engagement,
                                         weights.conversion, weights.urgency)],
            "thresholds": [str(t) for t in (thresholds.hot, thresholds.warm, thresholds.cold)]}
