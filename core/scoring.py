"""The scoring formula (DESIGN.md §5): normalized weighted sum and categories."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Weights:
    source_quality: Decimal = Decimal("0.25")
    engagement: Decimal = Decimal("0.25")
    conversion: Decimal = Decimal("0.30")
    urgency: Decimal = Decimal("0.20")


@dataclass(frozen=True)
class Thresholds:
    hot: Decimal = Decimal("80")
    warm: Decimal = Decimal("60")
    cold: Decimal = Decimal("40")


@dataclass(frozen=True)
class Components:
    source_quality: Decimal
    engagement: Decimal
    conversion: Decimal
    urgency: Decimal


def overall_score(components: Components, weights: Weights) -> Decimal:
    total_weight = weights.source_quality + weights.engagement + weights.conversion + weights.urgency
    weighted = (
        weights.source_quality * components.source_quality
        + weights.engagement * components.engagement
        + weights.conversion * components.conversion
        + weights.urgency * components.urgency
    )
    return (weighted / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def category(score: Decimal, thresholds: Thresholds) -> str:
    if score >= thresholds.hot:
        return "hot"
    if score >= thresholds.warm:
        return "warm"
    if score >= thresholds.cold:
        return "cold"
    return "nurture"
