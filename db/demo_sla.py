"""The demo's SLAs, grace and team hours (docs/sla-and-hours.md), deterministic for a seed and
a demo clock.

Three teams cover the day in shifts, so that at any demo moment one of them is on shift and
two are not: North early (06:00-14:00), South late (14:00-22:00), the Spanish desk at night
(22:00-06:00, across midnight), every day; Enterprise works office hours on weekdays. Agents
away or offline went so alternately (in id order) a few minutes and over an hour and a half
before the demo clock, so some are still within the 15-minute grace and some are past it.
"""

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from core.domain.sla import DEFAULT_TARGETS
from core.domain.vocabulary import Availability, ScoreCategory
from db.models import Agent, SlaSettingsRow, TeamHours

TIME_ZONE = "Europe/Berlin"
GRACE_MINUTES = 15
EVERY_DAY = range(7)
WEEKDAYS = range(5)
HOURS = (("North", EVERY_DAY, 6 * 60, 14 * 60), ("South", EVERY_DAY, 14 * 60, 22 * 60),
         ("Spanish desk", EVERY_DAY, 22 * 60, 6 * 60), ("Enterprise", WEEKDAYS, 8 * 60, 18 * 60))


def seed_sla(connection: Connection, tenant_id: int, now: datetime) -> None:
    connection.execute(insert(SlaSettingsRow).values(
        tenant_id=tenant_id, time_zone=TIME_ZONE, grace_minutes=GRACE_MINUTES, version=1,
        updated_by=None, updated_at=now,
        **{f"{category.value}_minutes": DEFAULT_TARGETS[category] for category in ScoreCategory}))
    connection.execute(insert(TeamHours), [
        {"tenant_id": tenant_id, "team": team, "weekday": day, "start_minute": start, "end_minute": end}
        for team, days, start, end in HOURS for day in days])
    away = connection.scalars(select(Agent.id).where(
        Agent.tenant_id == tenant_id,
        Agent.availability.in_([Availability.AWAY.value, Availability.OFFLINE.value])))
    for index, agent_id in enumerate(away):  # alternately just gone and long gone
        minutes = (5, 95)[index % 2] + index
        connection.execute(update(Agent).where(Agent.id == agent_id).values(
            availability_changed_at=now - timedelta(minutes=minutes)))
