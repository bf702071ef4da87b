"""The points ledger, the agents' stored totals and their badges."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, Insert, case, func, insert, select, update

from core.domain.gamification import (
    POINTS,
    STREAK_WINDOW,
    BadgeFacts,
    BadgeKind,
    PointsAward,
    PointsReason,
)
from core.domain.performance import RecentWork
from core.domain.standings import BadgeAward, PointsEntry
from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus
from db.models import Agent, Badge, Lead
from db.models import AgentPointsDay as Day
from db.models import PointsEntry as LedgerRow
from db.points_days import add_to_days, day_totals

CLOSED = [s.value for s in CLOSED_STATUSES]
FAST_REASON = PointsReason.FAST_FIRST_CONTACT
FAST = FAST_REASON.value


def _grant(tenant_id: int, agent_id: int, badge: BadgeKind, now: datetime) -> Insert:
    # The unique key (agent, badge) decides a race: the loser's insert is ignored.
    return (insert(Badge).values(tenant_id=tenant_id, agent_id=agent_id, badge=badge.value, awarded_at=now)
            .prefix_with("IGNORE", dialect="mysql").prefix_with("OR IGNORE", dialect="sqlite"))


class SqlPointsRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def earned_on(self, tenant_id: int, lead_ids: Sequence[int], *,
                  agent_id: int | None = None) -> dict[int, dict[PointsReason, int]]:
        if not lead_ids:
            return {}
        query = (select(LedgerRow.lead_id, LedgerRow.reason, func.sum(LedgerRow.points))
                 .where(LedgerRow.lead_id.in_(lead_ids), LedgerRow.tenant_id == tenant_id)
                 .group_by(LedgerRow.lead_id, LedgerRow.reason))
        if agent_id is not None:
            query = query.where(LedgerRow.agent_id == agent_id)
        rows = self.connection.execute(query)
        earned: dict[int, dict[PointsReason, int]] = defaultdict(dict)
        for lead_id, reason, points in rows:
            if lead_id is not None:
                earned[lead_id][PointsReason(reason)] = int(points)
        return dict(earned)

    def award(self, tenant_id: int, awards: Sequence[PointsAward], *, now: datetime) -> None:
        """The agents' totals first (their rows locked in id order, as every use case locks
        agents), then the entries, then each agent's total of the day."""
        if not awards:
            return
        days = day_totals(awards)
        for agent_id in sorted(days):
            self.connection.execute(update(Agent).where(Agent.id == agent_id).values(
                points_total=Agent.points_total + days[agent_id].points))
        self.connection.execute(insert(LedgerRow), [
            dict(tenant_id=tenant_id, agent_id=a.agent_id, lead_id=a.lead_id, reason=a.reason.value,
                 points=a.points, awarded_at=now) for a in awards])
        self.connection.execute(add_to_days(self.connection.dialect.name, [
            dict(agent_id=agent_id, day=now.date(), tenant_id=tenant_id, points=work.points,
                 first_contacts=work.first_contacts, fast_first_contacts=work.fast_first_contacts,
                 conversions=work.conversions)
            for agent_id, work in sorted(days.items())]))

    def badge_facts(self, tenant_id: int, agent_id: int, *, now: datetime) -> BadgeFacts:
        is_converted = Lead.status == LeadStatus.CONVERTED.value
        converted, closed, recent = self.connection.execute(
            select(func.sum(case((is_converted, 1), else_=0)), func.count(),
                   func.sum(case((is_converted & (Lead.closed_at >= now - STREAK_WINDOW), 1), else_=0)))
            .where(Lead.tenant_id == tenant_id, Lead.agent_id == agent_id, Lead.status.in_(CLOSED))
        ).one()
        fast_points = self.connection.scalar(
            select(func.coalesce(func.sum(LedgerRow.points), 0)).where(
                LedgerRow.tenant_id == tenant_id, LedgerRow.agent_id == agent_id,
                LedgerRow.reason == FAST))
        return BadgeFacts(converted=int(converted or 0), closed=int(closed or 0),
                          converted_within_window=int(recent or 0),
                          fast_first_contacts=int(fast_points or 0) // POINTS[FAST_REASON])

    def grant_badge(self, tenant_id: int, agent_id: int, badge: BadgeKind, *, now: datetime) -> bool:
        return self.connection.execute(_grant(tenant_id, agent_id, badge, now)).rowcount == 1

    def badges(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> list[BadgeAward]:
        query = (select(Badge.agent_id, Badge.badge, Badge.awarded_at)
                 .where(Badge.tenant_id == tenant_id).order_by(Badge.awarded_at, Badge.id))
        if agent_ids is not None:
            query = query.where(Badge.agent_id.in_(agent_ids))
        return [BadgeAward(agent_id, BadgeKind(badge), at)
                for agent_id, badge, at in self.connection.execute(query)]

    def totals(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, int]:
        query = select(Agent.id, Agent.points_total).where(Agent.tenant_id == tenant_id)
        if agent_ids is not None:
            query = query.where(Agent.id.in_(agent_ids))
        return {agent_id: int(total) for agent_id, total in self.connection.execute(query)}

    def top(self, tenant_id: int, *, since: date, limit: int) -> list[tuple[int, int]]:
        points = func.sum(Day.points).label("points")
        rows = self.connection.execute(
            select(Day.agent_id, points).where(Day.tenant_id == tenant_id, Day.day >= since)
            .group_by(Day.agent_id).order_by(points.desc(), Day.agent_id).limit(limit))
        return [(agent_id, int(total)) for agent_id, total in rows]

    def recent_work(self, tenant_id: int, *, since: date,
                    agent_ids: Sequence[int] | None = None) -> dict[int, RecentWork]:
        query = (select(Day.agent_id, func.sum(Day.points), func.sum(Day.first_contacts),
                        func.sum(Day.fast_first_contacts), func.sum(Day.conversions))
                 .where(Day.tenant_id == tenant_id, Day.day >= since).group_by(Day.agent_id))
        if agent_ids is not None:
            query = query.where(Day.agent_id.in_(agent_ids))
        return {agent_id: RecentWork(int(points), max(int(contacts), 0), max(int(fast), 0),
                                     max(int(conversions), 0))
                for agent_id, points, contacts, fast, conversions in self.connection.execute(query)}

    def entries(self, tenant_id: int, agent_id: int) -> list[PointsEntry]:
        rows = self.connection.execute(
            select(LedgerRow.awarded_at, LedgerRow.points, LedgerRow.reason, LedgerRow.lead_id)
            .where(LedgerRow.tenant_id == tenant_id, LedgerRow.agent_id == agent_id)
            .order_by(LedgerRow.awarded_at, LedgerRow.id))
        return [PointsEntry(at, int(points), PointsReason(reason), lead_id)
                for at, points, reason, lead_id in rows]
