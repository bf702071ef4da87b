"""The four score components (docs/design.md §5), each 0-100 with two decimals, and a lead's score.

Plain functions of a lead's own facts, its activities and the tenant's conversion history.
The single-lead path and the nightly batch call these same functions, so they agree.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from core.domain.scoring import Components, ScoringSettings, category, keeps_its_score, overall_score
from core.domain.vocabulary import ScoreCategory

ENGAGEMENT_HALF_LIFE_DAYS = 14
ACTIVITY_POINTS = {"meeting": 40.0, "call": 20.0, "email": 10.0, "web_visit": 8.0, "note": 3.0}
CONVERSION_PRIOR = 0.10  # used when the tenant has no closed leads yet
SMOOTHING = 5.0  # pseudo-observations pulling each attribute's rate towards the base rate
URGENCY_HALF_LIFE_DAYS = 5  # speed to lead: a lead's urgency halves every five days
URGENCY_FLOOR = 10.0
UNKNOWN_SOURCE_QUALITY = 30


def two_decimals(value: float) -> Decimal:
    bounded = min(max(value, 0.0), 100.0)
    return Decimal(repr(bounded)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def source_quality(source: str, table: dict[str, int]) -> Decimal:
    return two_decimals(float(table.get(source, table.get("other", UNKNOWN_SOURCE_QUALITY))))


class ActivityFact(NamedTuple):
    """What engagement reads of one activity (a tuple: a tenant's refresh reads millions)."""

    kind: str
    occurred_at: datetime


def engagement(activities: list[ActivityFact], now: datetime) -> Decimal:
    """Recent activities weigh more: each one's points halve every 14 days; capped at 100."""
    total = 0.0
    for kind, occurred_at in activities:
        age_days = max((now - occurred_at).total_seconds(), 0.0) / 86400
        total += ACTIVITY_POINTS.get(kind, 0.0) * 0.5 ** (age_days / ENGAGEMENT_HALF_LIFE_DAYS)
    return two_decimals(total)


def urgency(due_date: date | None, created_at: datetime, now: datetime) -> Decimal:
    """Overdue or due within a day = 100; else by days left; without a due date, by age.
    (A closed lead is not rescored: it keeps the urgency it had when it closed.)"""
    if due_date is not None:
        days_left = (due_date - now.date()).days
        return two_decimals(100.0 if days_left <= 1 else max(100.0 - 10.0 * (days_left - 1), 30.0))
    age_days = max((now - created_at).total_seconds(), 0.0) / 86400
    return two_decimals(max(100.0 * 0.5 ** (age_days / URGENCY_HALF_LIFE_DAYS), URGENCY_FLOOR))


@dataclass(frozen=True)
class ConversionStats:
    """The tenant's closed leads, counted per attribute value: (converted, closed)."""

    converted: int
    closed: int
    by_attribute: dict[tuple[str, str], tuple[int, int]]


def lead_attributes(source: str, required_skill: str | None, company: str | None) -> list[tuple[str, str]]:
    return [("source", source), ("skill", required_skill or "none"),
            ("has_company", "yes" if company else "no")]


def conversion_probability(attributes: list[tuple[str, str]], stats: ConversionStats) -> Decimal:
    """Naive-Bayes style: the base odds, times each attribute's smoothed odds ratio."""
    if stats.closed == 0:
        return two_decimals(CONVERSION_PRIOR * 100)
    base = (stats.converted + 1) / (stats.closed + 2)
    log_odds = math.log(base / (1 - base))
    for attribute in attributes:
        converted, closed = stats.by_attribute.get(attribute, (0, 0))
        rate = (converted + SMOOTHING * base) / (closed + SMOOTHING)
        log_odds += math.log(rate / (1 - rate)) - math.log(base / (1 - base))
    return two_decimals(100.0 / (1.0 + math.exp(-log_odds)))


@dataclass(frozen=True)
class LeadFacts:
    """What the components of one lead are computed from."""

    lead_id: int
    source: str
    status: str
    required_skill: str | None
    company: str | None
    due_date: date | None
    created_at: datetime
    activities: list[ActivityFact] = field(default_factory=list)
    last_calculated: datetime | None = None

    @property
    def keeps_its_score(self) -> bool:
        return keeps_its_score(self.status, self.last_calculated)


@dataclass(frozen=True)
class ScoredComponents:
    lead_id: int
    source_quality: Decimal
    engagement: Decimal
    conversion: Decimal
    urgency: Decimal


@dataclass(frozen=True)
class LeadScore:
    lead_id: int
    components: ScoredComponents
    overall: Decimal
    category: ScoreCategory


def score_components(facts: LeadFacts, settings: ScoringSettings, stats: ConversionStats,
                     now: datetime) -> ScoredComponents:
    return ScoredComponents(
        lead_id=facts.lead_id,
        source_quality=source_quality(facts.source, settings.source_quality),
        engagement=engagement(facts.activities, now),
        conversion=conversion_probability(
            lead_attributes(facts.source, facts.required_skill, facts.company), stats),
        urgency=urgency(facts.due_date, facts.created_at, now),
    )


def score_lead(facts: LeadFacts, settings: ScoringSettings, stats: ConversionStats,
               now: datetime) -> LeadScore:
    """The single-lead path, entirely in Python."""
    parts = score_components(facts, settings, stats, now)
    overall = overall_score(Components(parts.source_quality, parts.engagement, parts.conversion,
                                       parts.urgency), settings.weights)
    return LeadScore(facts.lead_id, parts, overall, category(overall, settings.thresholds))
