"""Scoring weights and thresholds: versions, the preview's input, saving and restoring.

Saving writes a new version row (who, when, why) and its audit row in one transaction, then
rescores every lead of the tenant in chunks. Restoring an old version saves its values again.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from core.domain.audit import AuditEntry
from core.domain.errors import (
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    RescoreIncomplete,
    TransientConflict,
)
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.domain.scoring import (
    ScoringSettings,
    Thresholds,
    Weights,
    WeightsVersion,
    validated_source_table,
)
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.retry import in_transaction, retry_on_conflict
from core.scoring.rescoring import rescore_tenant

MAX_REASON = 500


@retry_on_conflict
def current_settings(uow: UnitOfWork, actor: Actor) -> ScoringSettings:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return uow.scoring.current_settings(actor.tenant_id)


@retry_on_conflict
def weight_versions(uow: UnitOfWork, actor: Actor) -> list[WeightsVersion]:
    """Newest first."""
    actor.require(Permission.EDIT_SCORING)
    with uow:
        return uow.scoring.versions(actor.tenant_id)


@retry_on_conflict
def scored_leads(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """Every lead's stored components, score and category: the preview's input. Source and
    category come as pandas categoricals, so each preview maps them by code, not by string."""
    actor.require(Permission.EDIT_SCORING)
    with uow:
        frame = uow.scoring.components_frame(actor.tenant_id)
    return frame.astype({"source": "category", "score_category": "category"})


@dataclass(frozen=True)
class SaveReport:
    version: int
    leads: int
    seconds: float
    unfinished: str | None = None  # the rescore stopped: which leads wait for the next one


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Saving weights needs a reason: say why the scoring changes.")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The reason is too long: at most {MAX_REASON} characters.")
    return reason


def save_weights(
    new_uow: UnitOfWorkFactory, actor: Actor, *, weights: Weights, thresholds: Thresholds,
    reason: str, now: datetime, source_quality: dict[str, int] | None = None,
    progress: Callable[[float], object] = lambda done: None,
) -> SaveReport:
    actor.require(Permission.EDIT_SCORING)
    return _save(new_uow, actor, weights=weights, thresholds=thresholds, reason=_reason(reason),
                 now=now, source_quality=source_quality, progress=progress)


def _save(new_uow: UnitOfWorkFactory, actor: Actor, *, weights: Weights, thresholds: Thresholds,
          reason: str, now: datetime, source_quality: dict[str, int] | None,
          progress: Callable[[float], object]) -> SaveReport:
    """A new version (with its audit row), then every lead rescored; `reason` checked already."""
    weights, thresholds = weights.validated(), thresholds.validated()
    started = time.perf_counter()

    def save(uow: UnitOfWork) -> tuple[int, bool]:
        previous = uow.scoring.current_settings(actor.tenant_id)
        table = validated_source_table(dict(source_quality or previous.source_quality))
        version = uow.scoring.add_version(actor.tenant_id, weights=weights, thresholds=thresholds,
                                          source_quality=table, by_user_id=actor.user_id,
                                          reason=reason, now=now)
        uow.audit.append(AuditEntry(
            tenant_id=actor.tenant_id, actor_user_id=actor.user_id, actor_name=actor.username,
            action="scoring.weights_saved", entity_type="scoring_weights", entity_id=str(version),
            before=_describe(previous.weights, previous.thresholds, previous.source_quality),
            after=_describe(weights, thresholds, table), reason=reason,
        ))
        return version, table != previous.source_quality

    version, new_table = in_transaction(new_uow, save)
    try:
        report = rescore_tenant(new_uow, actor, now, progress=progress,
                                refresh_components=new_table)
    except RescoreIncomplete as stopped:  # the version is saved; the leads catch up later
        return SaveReport(version, 0, time.perf_counter() - started, stopped.message)
    except (TransientConflict, DatabaseUnavailable) as failed:
        return SaveReport(version, 0, time.perf_counter() - started,
                          f"Rescoring could not start: {failed.message} Every lead keeps its earlier "
                          "score until the next `python cli.py rescore` (nightly, or run it now).")
    return SaveReport(version, report.leads, time.perf_counter() - started)


def restore_version(
    new_uow: UnitOfWorkFactory, actor: Actor, *, version: int, reason: str, now: datetime,
    progress: Callable[[float], object] = lambda done: None,
) -> SaveReport:
    actor.require(Permission.EDIT_SCORING)
    old = in_transaction(new_uow, lambda uow: uow.scoring.settings_of_version(actor.tenant_id, version))
    if old is None:
        raise NotFound(f"Weights version {version} does not exist in your tenant.")
    return _save(new_uow, actor, weights=old.weights, thresholds=old.thresholds,
                 source_quality=old.source_quality, now=now, progress=progress,
                 reason=f"Restore version {version}: {_reason(reason)}")


def _describe(weights: Weights, thresholds: Thresholds,
              source_quality: dict[str, int]) -> dict[str, object]:
    return {"weights": [str(w) for w in (weights.source_quality, weights.engagement,
                                         weights.conversion, weights.urgency)],
            "thresholds": [str(t) for t in (thresholds.hot, thresholds.warm, thresholds.cold)],
            "source_quality": source_quality}
