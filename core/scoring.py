"""The scoring formula (DESIGN.md §5): normalized weighted sum, rounded to 2 decimals, and
categories from thresholds.

The sum is computed in whole numbers (weights in ten-thousandths, scores in hundredths) with
round-half-up, exactly as the set-based SQL in db/scoring.py does, so a lead rescored alone
and the same lead rescored in a batch always get the same score, on SQLite and MySQL alike.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.errors import InvalidInput

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
        return tuple(int((w / WEIGHT_UNIT).to_integral_value(ROUND_HALF_UP)) for w in (
            self.source_quality, self.engagement, self.conversion, self.urgency))

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


def category(score: Decimal, thresholds: Thresholds) -> str:
    if score >= thresholds.hot:
        return "hot"
    if score >= thresholds.warm:
        return "warm"
    if score >= thresholds.cold:
        return "cold"
    return "nurture"
