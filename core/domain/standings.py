"""The agents leaderboard's values: its time windows, one agent's standing, ledger entries and
badge awards as the pages show them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.domain.gamification import BadgeKind, Level, PointsReason
from core.domain.performance import ConversionCount, Performance

BOARD_SIZE = 100


class Window(StrEnum):
    """Rolling windows ending now: a week is the last 7 days, a month the last 30."""

    WEEK = "This week"
    MONTH = "This month"
    ALL_TIME = "All time"

    def since(self, now: datetime) -> datetime | None:
        days = {Window.WEEK: 7, Window.MONTH: 30}.get(self)
        return now - timedelta(days=days) if days else None


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
    conversions: ConversionCount  # leads closed in the window
    performance: Performance
