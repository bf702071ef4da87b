"""The four score components (DESIGN.md §5), each 0-100 with two decimals.

Plain functions of a lead's own facts, its activities and the tenant's conversion history.
The single-lead path and the nightly batch call these same functions, so they agree.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from core.domain import CLOSED_STATUSES, LeadStatus

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


def engagement(activities: list[tuple[str, datetime]], now: datetime) -> Decimal:
    """Recent activities weigh more: each one's points halve every 14 days; capped at 100."""
    total = 0.0
    for kind, occurred_at in activities:
        age_days = max((now - occurred_at).total_seconds(), 0.0) / 86400
        total += ACTIVITY_POINTS.get(kind, 0.0) * 0.5 ** (age_days / ENGAGEMENT_HALF_LIFE_DAYS)
    return two_decimals(total)


def urgency(status: str, due_date: date | None, created_at: datetime, now: datetime) -> Decimal:
    """Overdue or due within a day = 100; else by days left; without a due date, by age."""
    if LeadStatus(status) in CLOSED_STATUSES:
        return two_decimals(0.0)
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
