"""The scoring repository in memory: weight versions, the tenant's conversion history, and
rescoring with the formula of core.domain.scoring (what the set-based SQL also computes)."""

import contextlib
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal

import pandas as pd

from core.domain.components import (
    ActivityFact,
    ConversionStats,
    LeadFacts,
    LeadScore,
    ScoredComponents,
    lead_attributes,
)
from core.domain.rules import LeadState
from core.domain.scoring import (
    CENT,
    IdRange,
    ScoringSettings,
    Thresholds,
    Weights,
    WeightsVersion,
    category,
    keeps_its_score,
    overall_cents,
    to_cents,
)
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus
from tests.unit.fake_store import ScoreHistoryRow, Store, VersionRow

FRAME_COLUMNS = ["id", "name", "source", "source_quality_score", "engagement_score",
                 "conversion_probability", "urgency_score", "overall_score", "score_category"]


class FakeScoring:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def rows(self) -> list[VersionRow]:
        return self._store.versions

    def _leads(self, tenant_id: int, low: int | None = None, high: int | None = None) -> list[LeadState]:
        return [lead for lead_id, lead in sorted(self._store.leads.items())
                if lead.tenant_id == tenant_id
                and (low is None or high is None or low <= lead_id <= high)]

    def _of_tenant(self, tenant_id: int) -> list[VersionRow]:
        return sorted((v for v in self.rows if v.tenant_id == tenant_id), key=lambda v: v.version)

    def current_settings(self, tenant_id: int) -> ScoringSettings:
        versions = self._of_tenant(tenant_id)
        if not versions:  # the SQL's .one() raises too: every tenant is made with version 1
            raise LookupError(f"Tenant {tenant_id} has no scoring weights.")
        return versions[-1].settings()

    def settings_of_version(self, tenant_id: int, version: int) -> ScoringSettings | None:
        return next((v.settings() for v in self._of_tenant(tenant_id) if v.version == version), None)

    def add_version(self, tenant_id: int, *, weights: Weights, thresholds: Thresholds,
                    source_quality: dict[str, int], by_user_id: int | None, reason: str,
                    now: datetime) -> int:
        return add_version(self._store, tenant_id, weights=weights, thresholds=thresholds,
                           source_quality=source_quality, by_user_id=by_user_id, reason=reason,
                           now=now)

    def versions(self, tenant_id: int) -> list[WeightsVersion]:
        return [WeightsVersion(v.version, v.created_at, self._store.username_of(v.created_by),
                               v.weights, v.thresholds, v.reason)
                for v in reversed(self._of_tenant(tenant_id))]

    def components_frame(self, tenant_id: int) -> pd.DataFrame:
        records = []
        for lead in self._leads(tenant_id):
            f = self._store.fields_of(lead.id)
            if keeps_its_score(lead.status, f.last_calculated):
                continue
            records.append((lead.id, lead.name, f.source, float(f.source_quality_score),
                            float(f.engagement_score), float(f.conversion_probability),
                            float(f.urgency_score), float(f.overall_score), f.score_category))
        return pd.DataFrame.from_records(records, columns=FRAME_COLUMNS)

    def conversion_stats(self, tenant_id: int) -> ConversionStats:
        by_attribute: defaultdict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
        converted = closed = 0
        for lead in self._leads(tenant_id):
            if lead.status not in CLOSED_STATUSES:
                continue
            won = int(lead.status == LeadStatus.CONVERTED)
            converted, closed = converted + won, closed + 1
            f = self._store.fields_of(lead.id)
            for attribute in lead_attributes(f.source, lead.required_skill, f.company):
                before_won, before_closed = by_attribute[attribute]
                by_attribute[attribute] = (before_won + won, before_closed + 1)
        return ConversionStats(converted, closed, dict(by_attribute))

    def chunks_at_once(self) -> int:
        return 1  # one writer, as on SQLite: the fake's transactions are not thread-safe

    def cleanup_deferred(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()  # nothing to clean up in memory

    def id_bounds(self, tenant_id: int) -> IdRange | None:
        ids = [lead.id for lead in self._leads(tenant_id)]
        return IdRange(min(ids), max(ids)) if ids else None

    def lead_facts(self, tenant_id: int, *, low: int, high: int) -> list[LeadFacts]:
        activities: defaultdict[int, list[ActivityFact]] = defaultdict(list)
        for row in self._store.activities:
            if row["tenant_id"] == tenant_id:
                activities[row["lead_id"]].append(ActivityFact(row["kind"], row["occurred_at"]))
        facts = []
        for lead in self._leads(tenant_id, low, high):
            f = self._store.fields_of(lead.id)
            facts.append(LeadFacts(lead.id, f.source, lead.status.value, lead.required_skill, f.company,
                                   f.due_date, f.created_at, activities[lead.id], f.last_calculated))
        return facts

    def write_components(self, rows: Sequence[ScoredComponents]) -> None:
        for row in rows:
            f = self._store.fields_of(row.lead_id)
            f.source_quality_score, f.engagement_score = row.source_quality, row.engagement
            f.conversion_probability, f.urgency_score = row.conversion, row.urgency

    def write_score(self, tenant_id: int, score: LeadScore, settings: ScoringSettings, *,
                    now: datetime, method: str) -> None:
        self.write_components([score.components])
        self._set_overall(tenant_id, score.lead_id, score.overall, score.category.value, settings,
                          now=now, method=method)

    def apply_overall(self, tenant_id: int, settings: ScoringSettings, *, low: int, high: int,
                      now: datetime, method: str) -> int:
        leads = [lead for lead in self._leads(tenant_id, low, high)
                 if not keeps_its_score(lead.status, self._store.fields_of(lead.id).last_calculated)]
        for lead in leads:
            f = self._store.fields_of(lead.id)
            components = (to_cents(f.source_quality_score), to_cents(f.engagement_score),
                          to_cents(f.conversion_probability), to_cents(f.urgency_score))
            cents = overall_cents(components, settings.weights.as_units())
            overall = Decimal(cents) * CENT
            self._set_overall(tenant_id, lead.id, overall, category(overall, settings.thresholds).value,
                              settings, now=now, method=method)
        return len(leads)

    def _set_overall(self, tenant_id: int, lead_id: int, overall: Decimal, new_category: str,
                     settings: ScoringSettings, *, now: datetime, method: str) -> None:
        """The new score; the old one kept as previous, and a history row if it moved."""
        f = self._store.fields_of(lead_id)
        first = f.last_calculated is None  # no previous score: not a move, no history row
        old, old_category = (None, None) if first else (f.overall_score, f.score_category)
        if old is not None and to_cents(old) != to_cents(overall):
            self._store.score_history.append(ScoreHistoryRow(
                tenant_id, lead_id, old, overall, old_category, new_category, settings.version_id, now))
        f.previous_score, f.previous_category = old, old_category
        f.overall_score, f.score_category = overall, new_category
        f.score_change = None if old is None else overall - old
        f.last_calculated, f.calculation_method = now, method
        f.weights_version_id = settings.version_id


def add_version(store: Store, tenant_id: int, *, weights: Weights, thresholds: Thresholds,
                source_quality: dict[str, int], by_user_id: int | None, reason: str,
                now: datetime) -> int:
    """The tenant's next version number; its row id is unique across tenants."""
    latest = max((v.version for v in store.versions if v.tenant_id == tenant_id), default=0)
    store.versions.append(VersionRow(len(store.versions) + 1, tenant_id, latest + 1, weights,
                                     thresholds, dict(source_quality), by_user_id, now, reason))
    return latest + 1
