"""The points ledger, stored totals and badges in memory, as db/repositories/points.py keeps
them: a total moves with each entry, and a badge is granted once per agent. The daily totals
the SQL reads for a window are summed here from the entries' UTC days."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

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
from tests.unit.fake_store import LedgerRow, Store


class FakePoints:
    def __init__(self, store: Store) -> None:
        self._store = store

    @property
    def ledger(self) -> list[LedgerRow]:
        return self._store.ledger

    def _of(self, tenant_id: int) -> list[LedgerRow]:
        return [row for row in self.ledger if row.tenant_id == tenant_id]

    def earned_on(self, tenant_id: int, lead_ids: Sequence[int], *,
                  agent_id: int | None = None) -> dict[int, dict[PointsReason, int]]:
        earned: dict[int, dict[PointsReason, int]] = defaultdict(lambda: defaultdict(int))
        for row in self._of(tenant_id):
            if row.lead_id in lead_ids and agent_id in (None, row.agent_id):
                earned[row.lead_id][PointsReason(row.reason)] += row.points
        return {lead_id: dict(reasons) for lead_id, reasons in earned.items()}

    def award(self, tenant_id: int, awards: Sequence[PointsAward], *, now: datetime) -> None:
        for award in awards:
            self.ledger.append(LedgerRow(tenant_id, award.agent_id, award.lead_id, award.reason.value,
                                         award.points, now))
            self._store.points_totals[award.agent_id] = (
                self._store.points_totals.get(award.agent_id, 0) + award.points)

    def badge_facts(self, tenant_id: int, agent_id: int, *, now: datetime) -> BadgeFacts:
        converted = closed = recent = 0
        for lead in self._store.leads.values():
            if lead.tenant_id != tenant_id or lead.agent_id != agent_id or lead.status not in CLOSED_STATUSES:
                continue
            closed += 1
            if lead.status == LeadStatus.CONVERTED:
                converted += 1
                closed_at = self._store.fields_of(lead.id).closed_at
                recent += closed_at is not None and closed_at >= now - STREAK_WINDOW
        fast = sum(row.points for row in self._of(tenant_id)
                   if row.agent_id == agent_id and row.reason == PointsReason.FAST_FIRST_CONTACT)
        return BadgeFacts(converted, closed, recent, fast // POINTS[PointsReason.FAST_FIRST_CONTACT])

    def grant_badge(self, tenant_id: int, agent_id: int, badge: BadgeKind, *, now: datetime) -> bool:
        if any(a == agent_id and b == badge.value for _, a, b, _ in self._store.badges):
            return False
        self._store.badges.append((tenant_id, agent_id, badge.value, now))
        return True

    def badges(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> list[BadgeAward]:
        return [BadgeAward(agent_id, BadgeKind(badge), at) for t, agent_id, badge, at in self._store.badges
                if t == tenant_id and (agent_ids is None or agent_id in agent_ids)]

    def totals(self, tenant_id: int, agent_ids: Sequence[int] | None = None) -> dict[int, int]:
        return {a.id: self._store.points_totals.get(a.id, 0) for a in self._store.agents.values()
                if a.tenant_id == tenant_id and (agent_ids is None or a.id in agent_ids)}

    def top(self, tenant_id: int, *, since: date, limit: int) -> list[tuple[int, int]]:
        points: Counter[int] = Counter()
        for row in self._of(tenant_id):
            if row.awarded_at.date() >= since:
                points[row.agent_id] += row.points
        return sorted(points.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def recent_work(self, tenant_id: int, *, since: date,
                    agent_ids: Sequence[int] | None = None) -> dict[int, RecentWork]:
        points: Counter[int] = Counter()
        contacts: Counter[int] = Counter()
        fast: Counter[int] = Counter()
        conversions: Counter[int] = Counter()
        for row in self._of(tenant_id):
            if row.awarded_at.date() < since or (agent_ids is not None and row.agent_id not in agent_ids):
                continue
            points[row.agent_id] += row.points
            contacts[row.agent_id] += row.reason == PointsReason.FIRST_CONTACT
            sign = 1 if row.points > 0 else -1
            fast[row.agent_id] += sign if row.reason == PointsReason.FAST_FIRST_CONTACT else 0
            conversions[row.agent_id] += sign if row.reason == PointsReason.CONVERTED else 0
        return {agent_id: RecentWork(points[agent_id], max(contacts[agent_id], 0), max(fast[agent_id], 0),
                                     max(conversions[agent_id], 0))
                for agent_id in points.keys() | contacts.keys()}

    def entries(self, tenant_id: int, agent_id: int) -> list[PointsEntry]:
        return [PointsEntry(row.awarded_at, row.points, PointsReason(row.reason), row.lead_id)
                for row in self._of(tenant_id) if row.agent_id == agent_id]
