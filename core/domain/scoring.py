"""The scoring formula (docs/design.md §5): normalized weighted sum, rounded to 2 decimals, and
categories from thresholds.

The sum is computed in whole numbers (weights in ten-thousandths, scores in hundredths) with
round-half-up, exactly as the set-based SQL in db/scoring_sql.py does, so a lead rescored alone
and the same lead rescored in a batch always get the same score, on SQLite and MySQL alike.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from core.domain.errors import InvalidInput
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus, ScoreCategory

CENT = Decimal("0.01")
WEIGHT_UNIT = Decimal("0.0001")


@dataclass(frozen=True)
class Weights:
    source_quality: Decimal = Decimal("0.25")
    engagement: Decimal = Decimal("0.25")
    conversion: Decimal = Decimal("0.30")
    urgency: Decimal = Decimal("0.20")

    def as_units(self) -> tuple[int, int, int, int]:
        """Weights in ten-thousandths, the integers both scoring paths multiply with."""
        source, engagement, conversion, urgency = (
            int((w / WEIGHT_UNIT).to_integral_value(ROUND_HALF_UP))
            for w in (self.source_quality, self.engagement, self.conversion, self.urgency))
        return source, engagement, conversion, urgency

    def validated(self) -> "Weights":
        values = (self.source_quality, self.engagement, self.conversion, self.urgency)
        if any(w < 0 or w > 100 for w in values):
            raise InvalidInput("Each weight must lie between 0 and 100.")
        if sum(self.as_units()) == 0:
            raise InvalidInput("At least one weight must be above zero.")
        return self


@dataclass(frozen=True)
class Thresholds:
    hot: Decimal = Decimal("80")
    warm: Decimal = Decimal("60")
    cold: Decimal = Decimal("40")

    def validated(self) -> "Thresholds":
        if not 100 >= self.hot > self.warm > self.cold >= 0:
            raise InvalidInput("Thresholds must satisfy 100 ≥ hot > warm > cold ≥ 0.")
        return self


@dataclass(frozen=True)
class Components:
    source_quality: Decimal
    engagement: Decimal
    conversion: Decimal
    urgency: Decimal


def to_cents(value: Decimal | float | int) -> int:
    return int((Decimal(str(value)) / CENT).to_integral_value(ROUND_HALF_UP))


def overall_cents(component_cents: tuple[int, int, int, int], weight_units: tuple[int, int, int, int]) -> int:
    """round_half_up(Σ wᵢ·cᵢ / Σ wᵢ) in hundredths, in integers only."""
    numerator = sum(w * c for w, c in zip(weight_units, component_cents, strict=True))
    denominator = sum(weight_units)
    return (2 * numerator + denominator) // (2 * denominator)


def overall_score(components: Components, weights: Weights) -> Decimal:
    cents = overall_cents(
        (to_cents(components.source_quality), to_cents(components.engagement),
         to_cents(components.conversion), to_cents(components.urgency)),
        weights.as_units(),
    )
    return Decimal(cents) * CENT


def keeps_its_score(status: LeadStatus | str, last_calculated: datetime | None) -> bool:
    """A closed lead keeps the score it had when it closed: a rescore, a weights change or the
    passing of time no longer moves it (a converted lead does not turn cold as its urgency
    fades). One never scored (the demo's history) is scored once. The set-based rescore in
    db/repositories/scoring.py applies the same rule in SQL."""
    return LeadStatus(status) in CLOSED_STATUSES and last_calculated is not None


def category(score: Decimal, thresholds: Thresholds) -> ScoreCategory:
    if score >= thresholds.hot:
        return ScoreCategory.HOT
    if score >= thresholds.warm:
        return ScoreCategory.WARM
    if score >= thresholds.cold:
        return ScoreCategory.COLD
    return ScoreCategory.NURTURE


@dataclass(frozen=True)
class ScoringSettings:
    """One version of a tenant's weights, thresholds and source table."""

    version_id: int
    version: int
    weights: Weights
    thresholds: Thresholds
    source_quality: dict[str, int]


class IdRange(NamedTuple):
    """Lowest and highest id of a range of leads, both included."""

    low: int
    high: int


@dataclass(frozen=True)
class WeightsVersion:
    """One saved version, as the version history lists it."""

    version: int
    saved_at: datetime
    by_username: str | None
    weights: Weights
    thresholds: Thresholds
    reason: str | None


def validated_source_table(table: Mapping[str, float | None]) -> dict[str, int]:
    """Each source's quality, a whole number from 0 to 100 (a table editor may hand in floats
    or empty cells)."""
    cleaned = {}
    for source, value in table.items():
        if value is None or isinstance(value, bool) or int(value) != value or not 0 <= value <= 100:
            raise InvalidInput(f"Source quality for {source} must be a whole number from 0 to 100.")
        cleaned[source] = int(value)
    return cleaned


class ScoreComponent(StrEnum):
    """The four components, in the order of the formula and of Weights."""

    SOURCE_QUALITY = "source_quality"
    ENGAGEMENT = "engagement"
    CONVERSION = "conversion"
    URGENCY = "urgency"
