"""Each agent's daily totals, moved with the ledger: what one batch of entries adds to them, and
the upsert that adds it (one statement; MySQL and SQLite spell it differently)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.domain.gamification import PointsAward, PointsReason
from core.domain.performance import RecentWork
from db.models import AgentPointsDay as Day

COUNTED = ("points", "first_contacts", "fast_first_contacts", "conversions")


def day_totals(awards: Iterable[PointsAward]) -> dict[int, RecentWork]:
    """Per agent: the points, first contacts, fast first contacts and conversions (the last two
    net of reversals) of these entries."""
    points: dict[int, int] = defaultdict(int)
    contacts: dict[int, int] = defaultdict(int)
    fast: dict[int, int] = defaultdict(int)
    conversions: dict[int, int] = defaultdict(int)
    for award in awards:
        sign = 1 if award.points > 0 else -1
        points[award.agent_id] += award.points
        contacts[award.agent_id] += award.reason == PointsReason.FIRST_CONTACT
        fast[award.agent_id] += sign if award.reason == PointsReason.FAST_FIRST_CONTACT else 0
        conversions[award.agent_id] += sign if award.reason == PointsReason.CONVERTED else 0
    return {agent_id: RecentWork(points[agent_id], contacts[agent_id], fast[agent_id], conversions[agent_id])
            for agent_id in points}


def add_to_days(dialect: str, rows: Sequence[dict[str, Any]]) -> Insert:
    """Insert each (agent, day) row, or add its counts to the row already there."""
    if dialect == "mysql":
        statement = mysql_insert(Day).values(list(rows))
        return statement.on_duplicate_key_update(
            {name: getattr(Day, name) + statement.inserted[name] for name in COUNTED})
    upsert = sqlite_insert(Day).values(list(rows))
    return upsert.on_conflict_do_update(
        index_elements=[Day.agent_id, Day.day],
        set_={name: getattr(Day, name) + upsert.excluded[name] for name in COUNTED})
