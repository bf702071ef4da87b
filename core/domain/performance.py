"""An agent's performance score, 0-100 (docs/design.md §6): what the capacity page shows, the lead
detail ranks agents by, and the `performance` bulk strategy places the hottest leads with.

    score = 0.50 × conversion + 0.25 × speed + 0.25 × recent points      (each part 0-100)

- conversion: the conversion rate of the agent's closed leads, smoothed towards 20% as if
  every agent had closed ten more leads two of which converted, ((converted + 2) / (closed +
  10)); a smoothed rate of 40% or more scores 100. A newcomer starts at 50, not at 0 or 100.
- speed: the share of the agent's first contacts of the last 30 days (today and the 29 UTC
  days before) made within an hour of assignment, smoothed by one fast and one slow contact
  ((fast + 1) / (first contacts + 2)).
- recent points: points earned in the last 30 days; 1,000 or more (ten conversions) score 100.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

CONVERSION_PRIOR_CLOSED = 10
CONVERSION_PRIOR_CONVERTED = 2
CONVERSION_FOR_FULL_MARKS = 0.40
RECENT_DAYS = 30  # today and the 29 UTC days before
RECENT_POINTS_FOR_FULL_MARKS = 1_000
WEIGHTS = (0.50, 0.25, 0.25)  # conversion, speed, recent points


class ConversionCount(NamedTuple):
    """An agent's closed leads: how many, and how many of them converted."""

    converted: int
    closed: int

    @property
    def smoothed_rate(self) -> float:
        return (self.converted + CONVERSION_PRIOR_CONVERTED) / (self.closed + CONVERSION_PRIOR_CLOSED)

    @property
    def rate(self) -> float | None:
        return self.converted / self.closed if self.closed else None

    def describe(self) -> str:
        return f"conversion {self.converted / self.closed:.0%}" if self.closed else "no closed leads yet"


NO_CLOSED_LEADS = ConversionCount(0, 0)


@dataclass(frozen=True)
class RecentWork:
    """An agent's ledger over some whole days (the sum of its daily totals)."""

    points: int = 0
    first_contacts: int = 0
    fast_first_contacts: int = 0
    conversions: int = 0


@dataclass(frozen=True)
class Performance:
    conversion: float
    speed: float
    recent_points: float

    @property
    def score(self) -> float:
        parts = (self.conversion, self.speed, self.recent_points)
        return round(sum(w * p for w, p in zip(WEIGHTS, parts, strict=True)), 1)

    def describe(self) -> str:
        return (f"performance {self.score:.0f} (conversion {self.conversion:.0f}, "
                f"speed {self.speed:.0f}, recent points {self.recent_points:.0f})")


def recent_since(today: date) -> date:
    return today - timedelta(days=RECENT_DAYS - 1)


def performance_of(counts: ConversionCount, recent: RecentWork) -> Performance:
    conversion = min(1.0, counts.smoothed_rate / CONVERSION_FOR_FULL_MARKS) * 100
    speed = (recent.fast_first_contacts + 1) / (recent.first_contacts + 2) * 100
    points = min(1.0, max(recent.points, 0) / RECENT_POINTS_FOR_FULL_MARKS) * 100
    return Performance(round(conversion, 1), round(speed, 1), round(points, 1))
