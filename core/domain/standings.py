"""The agents leaderboard's values: its time windows, one agent's standing, ledger entries and
badge awards as the pages show them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.domain.gamification import BadgeKind, Level, PointsReason
from core.domain.performance import ConversionCount, Performance

BOARD_SIZE = 100


class Window(StrEnum):
    """Whole UTC days ending today: a week is today and the 6 days before, a month today and
    the 29 before (the daily totals the board reads are kept per UTC day)."""

    WEEK = "This week"
    MONTH = "This month"
    ALL_TIME = "All time"

    def first_day(self, today: date) -> date | None:
        days = {Window.WEEK: 7, Window.MONTH: 30}.get(self)
        return today - timedelta(days=days - 1) if days else None


def start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


@dataclass(frozen=True)
class PointsEntry:
    awarded_at: datetime
    points: int
    reason: PointsReason
    lead_id: int | None


@dataclass(frozen=True)
class BadgeAward:
    agent_id: int
    badge: BadgeKind
    awarded_at: datetime


@dataclass(frozen=True)
class AgentStanding:
    rank: int
    agent_id: int
    name: str
    team: str
    points: int                 # in the window
    total_points: int           # all time: what the level comes from
    level: Level
    badges: tuple[BadgeKind, ...]
    conversions: int            # in the window
    record: ConversionCount     # all time: closed leads and how many converted (the rate)
    performance: Performance
