"""First-contact SLAs, the availability grace and teams' working hours (docs/sla-and-hours.md)."""

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, delete, false, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.domain.errors import StaleView
from core.domain.sla import AssignedWindow, LeadSlaFacts, SlaSettings, UnavailableAgent, sla_windows
from core.domain.vocabulary import OPEN_STATUSES, Availability, LeadStatus, ScoreCategory
from core.domain.working_hours import ShiftInterval
from db.models import Agent, Lead, SlaSettingsRow, TeamHours

OPEN = [s.value for s in OPEN_STATUSES]
UNAVAILABLE = [Availability.AWAY.value, Availability.OFFLINE.value]
TARGET_COLUMNS = {ScoreCategory.HOT: "hot_minutes", ScoreCategory.WARM: "warm_minutes",
                  ScoreCategory.COLD: "cold_minutes", ScoreCategory.NURTURE: "nurture_minutes"}
STALE = ("The SLA settings were saved by someone else since you opened the page. Nothing was "
         "changed: reload the page and make your change again.")


def in_windows(windows: Sequence[AssignedWindow]) -> ColumnElement[bool]:
    """Uncontacted open leads whose assignment time lies in one of the category windows."""
    if not windows:
        return false()
    ranges = []
    for window in windows:
        bound = (Lead.assigned_at <= window.latest if window.latest_included
                 else Lead.assigned_at < window.latest)
        parts = [Lead.score_category == window.category.value, bound]
        if window.earliest is not None:
            parts.append(Lead.assigned_at >= window.earliest)
        ranges.append(and_(*parts))
    return and_(Lead.first_contact_at.is_(None), Lead.status.in_(OPEN), or_(*ranges))


def tenant_settings(connection: Connection, tenant_id: int, *, for_update: bool = False) -> SlaSettings:
    query = select(SlaSettingsRow).where(SlaSettingsRow.tenant_id == tenant_id)
    row = connection.execute(query.with_for_update() if for_update else query).one_or_none()
    if row is None:
        return SlaSettings()
    return SlaSettings(time_zone=row.time_zone, grace_minutes=row.grace_minutes, version=row.version,
                       targets={category: getattr(row, column)
                                for category, column in TARGET_COLUMNS.items()})


class SqlSlaRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def settings(self, tenant_id: int, *, for_update: bool = False) -> SlaSettings:
        return tenant_settings(self.connection, tenant_id, for_update=for_update)

    def save_settings(self, tenant_id: int, settings: SlaSettings, *, by_user_id: int | None,
                      now: datetime) -> int:
        version = settings.version + 1
        values = {"time_zone": settings.time_zone, "grace_minutes": settings.grace_minutes,
                  "version": version, "updated_by": by_user_id, "updated_at": now,
                  **{column: settings.targets.get(category)
                     for category, column in TARGET_COLUMNS.items()}}
        if settings.version == 0:  # the first save: of two racing first saves, one key wins
            try:
                with self.connection.begin_nested():
                    self.connection.execute(insert(SlaSettingsRow).values(tenant_id=tenant_id, **values))
            except IntegrityError:
                raise StaleView(STALE) from None
            return version
        changed = self.connection.execute(update(SlaSettingsRow).where(
            SlaSettingsRow.tenant_id == tenant_id, SlaSettingsRow.version == settings.version,
        ).values(**values))
        if changed.rowcount != 1:
            raise StaleView(STALE)
        return version

    def team_hours(self, tenant_id: int) -> dict[str, tuple[ShiftInterval, ...]]:
        hours: dict[str, list[ShiftInterval]] = {}
        for row in self.connection.execute(select(
                TeamHours.team, TeamHours.weekday, TeamHours.start_minute, TeamHours.end_minute,
        ).where(TeamHours.tenant_id == tenant_id)):
            hours.setdefault(row.team, []).append(
                ShiftInterval(row.weekday, row.start_minute, row.end_minute))
        return {team: tuple(sorted(items)) for team, items in hours.items()}

    def set_team_hours(self, tenant_id: int, team: str, hours: Sequence[ShiftInterval]) -> None:
        self.connection.execute(delete(TeamHours).where(TeamHours.tenant_id == tenant_id,
                                                        TeamHours.team == team))
        if hours:
            self.connection.execute(insert(TeamHours), [
                {"tenant_id": tenant_id, "team": team, "weekday": item.weekday,
                 "start_minute": item.start, "end_minute": item.end} for item in hours])

    def open_breaches_per_agent(self, tenant_id: int, settings: SlaSettings,
                                now: datetime) -> dict[int, int]:
        windows = sla_windows(settings, now, breached=True, due_within=None)
        rows = self.connection.execute(
            select(Lead.agent_id, func.count()).where(Lead.tenant_id == tenant_id, in_windows(windows))
            .group_by(Lead.agent_id))
        return {agent_id: count for agent_id, count in rows if agent_id is not None}

    def open_breach_ids(self, tenant_id: int, settings: SlaSettings, now: datetime, *,
                        limit: int, not_rerouted: bool = False) -> list[int]:
        windows = sla_windows(settings, now, breached=True, due_within=None)
        query = select(Lead.id).where(Lead.tenant_id == tenant_id, in_windows(windows))
        if not_rerouted:
            query = query.where(Lead.sla_rerouted_at.is_(None))
        return list(self.connection.scalars(query.order_by(Lead.assigned_at, Lead.id).limit(limit)))

    def breaches_since(self, tenant_id: int, settings: SlaSettings, *, since: datetime,
                       now: datetime) -> int:
        # The open breaches whose SLA ran out at `since` or later (assigned at since - SLA or
        # later), and the leads re-routed since (a re-routed lead got a new SLA clock), each
        # counted once. Three counts, each a range of an index, rather than one OR of both,
        # which no index serves.
        windows = in_windows([replace(window, earliest=window.latest - (now - since))
                              for window in sla_windows(settings, now, breached=True, due_within=None)])
        rerouted = Lead.sla_rerouted_at >= since

        def count(*conditions: ColumnElement[bool]) -> int:
            return int(self.connection.scalar(select(func.count()).select_from(Lead).where(
                Lead.tenant_id == tenant_id, *conditions)) or 0)

        return count(windows) + count(rerouted) - count(windows, rerouted)

    def lead_facts(self, tenant_id: int, lead_id: int) -> LeadSlaFacts | None:
        row = self.connection.execute(select(Lead.score_category, Lead.sla_rerouted_at).where(
            Lead.tenant_id == tenant_id, Lead.id == lead_id)).one_or_none()
        return LeadSlaFacts(row.score_category, row.sla_rerouted_at) if row else None

    def mark_rerouted(self, lead_id: int, *, now: datetime) -> None:
        self.connection.execute(update(Lead).where(Lead.id == lead_id).values(
            sla_rerouted_at=now, updated_at=now, version=Lead.version + 1))

    def clear_rerouted(self, lead_id: int, *, now: datetime) -> None:
        self.connection.execute(update(Lead).where(Lead.id == lead_id).values(
            sla_rerouted_at=None, updated_at=now, version=Lead.version + 1))

    def unavailable_agents(self, tenant_id: int) -> list[UnavailableAgent]:
        rows = self.connection.execute(select(
            Agent.id, Agent.name, Agent.availability, Agent.availability_changed_at,
        ).where(Agent.tenant_id == tenant_id, Agent.availability.in_(UNAVAILABLE)).order_by(Agent.id))
        return [UnavailableAgent(r.id, r.name, Availability(r.availability), r.availability_changed_at)
                for r in rows]

    def untouched_leads(self, tenant_id: int, agent_ids: Sequence[int], *, limit: int) -> list[int]:
        if not agent_ids:
            return []
        return list(self.connection.scalars(select(Lead.id).where(
            Lead.tenant_id == tenant_id, Lead.agent_id.in_(agent_ids),
            Lead.status == LeadStatus.ASSIGNED.value, Lead.first_contact_at.is_(None),
        ).order_by(Lead.id).limit(limit)))
