"""Scoring storage: weight versions, the tenant's conversion history, and chunked rescoring."""

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute

from core.domain.components import (
    ActivityFact,
    ConversionStats,
    LeadFacts,
    LeadScore,
    ScoredComponents,
)
from core.domain.scoring import (
    IdRange,
    ScoringSettings,
    Thresholds,
    Weights,
    WeightsVersion,
    to_cents,
)
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus, ScoreCategory
from db.models import Lead, LeadActivity, ScoreHistory, ScoringWeights, User
from db.queries import packed_scores
from db.results import AnyRow
from db.scoring_sql import overall_cents_sql

# Chunks a MySQL server rescores at once. A weights change over a million leads on two cores
# (MariaDB 10.11) took 22.9 s with one writer, 16-18 s with two, 15.5-16.3 s with three and
# 15.9 s with four: the server is CPU-bound by then. A bigger server can take more.
RESCORE_WRITERS = 3
CLOSED = [s.value for s in CLOSED_STATUSES]
# core.domain.scoring.keeps_its_score in SQL: a closed lead already scored keeps its score.
RESCORED = or_(Lead.status.not_in(CLOSED), Lead.last_calculated.is_(None))
COMPONENT_COLUMNS = (Lead.source_quality_score, Lead.engagement_score, Lead.conversion_probability,
                     Lead.urgency_score)


class SqlScoringRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def current_settings(self, tenant_id: int) -> ScoringSettings:
        row = self.connection.execute(
            select(ScoringWeights.table()).where(ScoringWeights.tenant_id == tenant_id)
            .order_by(ScoringWeights.version.desc()).limit(1)
        ).one()
        return _settings(row)

    def settings_of_version(self, tenant_id: int, version: int) -> ScoringSettings | None:
        row = self.connection.execute(select(ScoringWeights.table()).where(
            ScoringWeights.tenant_id == tenant_id, ScoringWeights.version == version)).one_or_none()
        return _settings(row) if row else None

    def add_version(self, tenant_id: int, *, weights: Weights, thresholds: Thresholds,
                    source_quality: dict[str, int], by_user_id: int | None, reason: str,
                    now: datetime) -> int:
        # The unique (tenant_id, version) key refuses a concurrent save of the same number.
        latest = self.connection.scalar(select(func.max(ScoringWeights.version))
                                     .where(ScoringWeights.tenant_id == tenant_id)) or 0
        self.connection.execute(insert(ScoringWeights).values(
            tenant_id=tenant_id, version=latest + 1,
            source_quality_weight=weights.source_quality, engagement_weight=weights.engagement,
            conversion_weight=weights.conversion, urgency_weight=weights.urgency,
            hot_threshold=thresholds.hot, warm_threshold=thresholds.warm,
            cold_threshold=thresholds.cold, source_quality_json=json.dumps(source_quality),
            created_by=by_user_id, created_at=now, reason=reason))
        return latest + 1

    def versions(self, tenant_id: int) -> list[WeightsVersion]:
        rows = self.connection.execute(
            select(ScoringWeights.table(), User.username.label("by_username"))
            .outerjoin(User, User.id == ScoringWeights.created_by)
            .where(ScoringWeights.tenant_id == tenant_id).order_by(ScoringWeights.version.desc())
        ).all()
        return [_version(row, row.by_username) for row in rows]

    def components_frame(self, tenant_id: int) -> pd.DataFrame:
        """Every lead's components, score and category, as floats: read as DECIMAL, a million
        leads would become five million Python Decimal objects before pandas sees them. On
        MySQL the numbers come packed, one string per lead (db.queries.packed_scores)."""
        if self.connection.dialect.name == "mysql":
            return packed_scores.components_frame(self.connection, tenant_id, RESCORED)
        as_float = [type_coerce(column * literal_column("1e0"), Float).label(column.key)
                    for column in (*COMPONENT_COLUMNS, Lead.overall_score)]
        result = self.connection.execute(
            select(Lead.id, Lead.name, Lead.source, *as_float, Lead.score_category)
            .where(Lead.tenant_id == tenant_id, RESCORED)
        )
        # From plain tuples: pandas took 5.5 s to build this frame from a million Row objects
        # on SQLite, and 1.1 s from the same rows as tuples.
        return pd.DataFrame.from_records([tuple(row) for row in result], columns=[
            "id", "name", "source", "source_quality_score", "engagement_score",
            "conversion_probability", "urgency_score", "overall_score", "score_category"])

    def conversion_stats(self, tenant_id: int) -> ConversionStats:
        converted = func.sum(case((Lead.status == LeadStatus.CONVERTED.value, 1), else_=0))
        closed = and_(Lead.tenant_id == tenant_id, Lead.status.in_(CLOSED))
        by_attribute = {}
        attributes = {
            "source": Lead.source,
            "skill": func.coalesce(Lead.required_skill, "none"),
            "has_company": case((Lead.company.is_not(None), "yes"), else_="no"),
        }
        for name, expression in attributes.items():
            rows = self.connection.execute(
                select(expression, converted, func.count()).where(closed).group_by(expression))
            for value, won, total in rows:
                by_attribute[(name, value)] = (int(won or 0), int(total))
        won, total = self.connection.execute(select(converted, func.count()).where(closed)).one()
        return ConversionStats(int(won or 0), int(total), by_attribute)

    def chunks_at_once(self) -> int:
        """How many rescoring chunks may be written at the same time. SQLite has one writer;
        a MySQL server spreads chunks over its cores (RESCORE_WRITERS)."""
        return 1 if self.connection.dialect.name == "sqlite" else RESCORE_WRITERS

    @contextmanager
    def cleanup_deferred(self) -> Iterator[None]:
        """On MySQL, a consistent snapshot held open. InnoDB's purge may not remove a row
        version that a read view can still see, so the versions every chunk's commit replaces
        are purged after the last chunk instead of beside the writers, competing for the same
        cores (a weights change at 1M on MariaDB: 10.0-10.7 s against 11.4-14.0 s,
        docs/benchmarks.md). The snapshot reads and locks nothing. SQLite has no purge."""
        if self.connection.dialect.name != "mysql":
            yield
            return
        # Only REPEATABLE READ keeps one read view for a whole transaction; the engine's
        # sessions read committed. SET TRANSACTION sets the next transaction's level alone.
        self.connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        self.connection.execute(text("START TRANSACTION WITH CONSISTENT SNAPSHOT"))
        try:
            yield
        finally:
            self.connection.rollback()

    def id_bounds(self, tenant_id: int) -> IdRange | None:
        low, high = self.connection.execute(
            select(func.min(Lead.id), func.max(Lead.id)).where(Lead.tenant_id == tenant_id)).one()
        return None if low is None else IdRange(low, high)

    def lead_facts(self, tenant_id: int, *, low: int, high: int) -> list[LeadFacts]:
        """Leads with ids in [low, high] and their activities, for computing components."""
        leads = self.connection.execute(
            select(Lead.id, Lead.source, Lead.status, Lead.required_skill, Lead.company,
                   Lead.due_date, Lead.created_at, Lead.last_calculated)
            .where(Lead.tenant_id == tenant_id, Lead.id.between(low, high)).order_by(Lead.id)
        ).all()
        activities: defaultdict[int, list[ActivityFact]] = defaultdict(list)
        for lead_id, kind, at in self.connection.execute(
            select(LeadActivity.lead_id, LeadActivity.kind, LeadActivity.occurred_at)
            .where(LeadActivity.tenant_id == tenant_id, LeadActivity.lead_id.between(low, high))
        ):
            activities[lead_id].append(ActivityFact(kind, at))
        return [LeadFacts(r.id, r.source, r.status, r.required_skill, r.company, r.due_date,
                          r.created_at, activities[r.id], r.last_calculated) for r in leads]

    def write_components(self, rows: Sequence[ScoredComponents]) -> None:
        if not rows:
            return
        leads = Lead.__table__  # Core executemany: one statement, many parameter sets
        assert isinstance(leads, Table)
        self.connection.execute(
            update(leads).where(leads.c.id == bindparam("lead_id")).values(
                source_quality_score=bindparam("sq"), engagement_score=bindparam("eng"),
                conversion_probability=bindparam("conv"), urgency_score=bindparam("urg")),
            [{"lead_id": r.lead_id, "sq": r.source_quality, "eng": r.engagement,
              "conv": r.conversion, "urg": r.urgency} for r in rows],
        )

    def write_score(self, tenant_id: int, score: LeadScore, settings: ScoringSettings, *,
                    now: datetime, method: str) -> None:
        """Store one lead's score computed in Python (the single-lead path)."""
        self.write_components([score.components])
        stored, stored_category, calculated = self.connection.execute(
            select(Lead.overall_score, Lead.score_category, Lead.last_calculated)
            .where(Lead.id == score.lead_id)).one()
        # A first calculation: the stored 0 is a default, not a score, so this is no move.
        old_score: Decimal | None = None if calculated is None else stored
        old_category: str | None = None if calculated is None else stored_category
        if old_score is not None and to_cents(old_score) != to_cents(score.overall):
            self.connection.execute(insert(ScoreHistory).values(
                tenant_id=tenant_id, lead_id=score.lead_id, previous_score=old_score,
                new_score=score.overall, previous_category=old_category,
                new_category=score.category, weights_version_id=settings.version_id,
                calculated_at=now))
        change = None if old_score is None else score.overall - old_score
        self.connection.execute(update(Lead).where(Lead.id == score.lead_id).values(
            previous_score=old_score, previous_category=old_category,
            overall_score=score.overall, score_change=change,
            score_category=score.category, last_calculated=now, calculation_method=method,
            weights_version_id=settings.version_id))

    def apply_overall(self, tenant_id: int, settings: ScoringSettings, *, low: int, high: int,
                      now: datetime, method: str) -> int:
        """Recompute overall score and category from stored components, set-based: one UPDATE,
        then the history rows copied from the leads whose score it changed."""
        scope = and_(Lead.tenant_id == tenant_id, Lead.id.between(low, high))
        result = self.connection.execute(
            update(Lead).where(scope, RESCORED).ordered_values(
                *self._new_score_assignments(settings),
                (Lead.last_calculated, now),
                (Lead.calculation_method, method),
                (Lead.weights_version_id, settings.version_id),
            )
        )
        self.connection.execute(insert(ScoreHistory).from_select(
            ["tenant_id", "lead_id", "previous_score", "new_score", "previous_category",
             "new_category", "weights_version_id", "calculated_at"],
            select(Lead.tenant_id, Lead.id, Lead.previous_score, Lead.overall_score,
                   Lead.previous_category, Lead.score_category, Lead.weights_version_id,
                   Lead.last_calculated)
            # A closed lead keeps its last change; a first calculation has none (NULL).
            .where(scope, Lead.score_change != 0, Lead.status.not_in(CLOSED)),
        ))
        return result.rowcount

    def _new_score_assignments(self, settings: ScoringSettings) -> list[tuple[Any, Any]]:
        new_cents = overall_cents_sql(COMPONENT_COLUMNS, settings.weights.as_units())
        hot, warm, cold = settings.thresholds.hot, settings.thresholds.warm, settings.thresholds.cold
        # A first calculation (never calculated: the default 0) has no previous score, so its
        # change is NULL: not a move. `last_calculated` is assigned after these, so on MySQL
        # too they read the old value.
        first = Lead.last_calculated.is_(None)
        keep_previous = [(Lead.previous_score, case((first, None), else_=Lead.overall_score)),
                         (Lead.previous_category, case((first, None), else_=Lead.score_category))]
        if self.connection.dialect.name == "mysql":
            # MySQL assigns left to right, and a later clause reads the values earlier ones
            # set: the weighted sum, most of the statement's CPU, is computed once per row.
            # (MariaDB's opt-in SIMULTANEOUS_ASSIGNMENT sql_mode would break this.)
            return [*keep_previous,
                    (Lead.overall_score, new_cents / literal(100.0)),
                    (Lead.score_change, Lead.overall_score - Lead.previous_score),
                    (Lead.score_category, _category_of(Lead.overall_score, hot, warm, cold))]
        # SQLite evaluates every clause against the row as it was before the UPDATE.
        old_cents = func.round(Lead.overall_score * 100)
        return [*keep_previous,
                (Lead.overall_score, new_cents / literal(100.0)),
                (Lead.score_change, case((first, None), else_=(new_cents - old_cents) / literal(100.0))),
                (Lead.score_category, _category_of(new_cents, *(to_cents(t) for t in (hot, warm, cold))))]


def _category_of(score: ColumnElement[Any] | InstrumentedAttribute[Decimal], hot: Decimal | int,
                 warm: Decimal | int, cold: Decimal | int) -> ColumnElement[str]:
    return case((score >= hot, ScoreCategory.HOT.value), (score >= warm, ScoreCategory.WARM.value),
                (score >= cold, ScoreCategory.COLD.value), else_=ScoreCategory.NURTURE.value)


def _version(row: AnyRow, username: str | None) -> WeightsVersion:
    settings = _settings(row)
    return WeightsVersion(version=row.version, saved_at=row.created_at, by_username=username,
                          weights=settings.weights, thresholds=settings.thresholds, reason=row.reason)


def _settings(row: AnyRow) -> ScoringSettings:
    return ScoringSettings(
        version_id=row.id, version=row.version,
        weights=Weights(row.source_quality_weight, row.engagement_weight,
                        row.conversion_weight, row.urgency_weight),
        thresholds=Thresholds(row.hot_threshold, row.warm_threshold, row.cold_threshold),
        source_quality=json.loads(row.source_quality_json),
    )
