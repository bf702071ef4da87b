"""Reading gamification: the agents leaderboard, one agent's history, performance scores."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.domain.clock import utcnow
from core.domain.errors import NotFound
from core.domain.gamification import BadgeKind, level_of
from core.domain.identity import Actor
from core.domain.performance import NO_CLOSED_LEADS, Performance, RecentWork, performance_of, recent_since
from core.domain.permissions import Permission
from core.domain.standings import BOARD_SIZE, AgentStanding, BadgeAward, PointsEntry, Window
from core.ports import UnitOfWork
from core.retry import retry_on_conflict


def performance_scores(uow: UnitOfWork, tenant_id: int, *, now: datetime,
                       agent_ids: Sequence[int] | None = None) -> dict[int, Performance]:
    """Every agent's (or these agents') performance, inside the caller's transaction."""
    ids = agent_ids if agent_ids is not None else [a.id for a in uow.agents.states(tenant_id)]
    counts = uow.agents.conversion_counts(tenant_id, agent_ids)
    recent = uow.points.recent_work(tenant_id, since=recent_since(now.date()), agent_ids=agent_ids)
    return {agent_id: performance_of(counts.get(agent_id, NO_CLOSED_LEADS),
                                     recent.get(agent_id, RecentWork()))
            for agent_id in ids}


@retry_on_conflict
def agent_performance(uow: UnitOfWork, actor: Actor) -> dict[int, Performance]:
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        return performance_scores(uow, actor.tenant_id, now=utcnow())


@retry_on_conflict
def agent_leaderboard(uow: UnitOfWork, actor: Actor, window: Window, *,
                      size: int = BOARD_SIZE) -> list[AgentStanding]:
    """The `size` agents with the most points in the window, most first (ties by name); when
    fewer have points, the others follow with none. Reads the agents' daily totals, not the
    ledger: a week is agents × 7 rows however busy the week was."""
    actor.require(Permission.VIEW_DASHBOARDS)
    today = utcnow().date()
    first_day = window.first_day(today)
    tenant_id = actor.tenant_id
    with uow:
        points = (uow.points.totals(tenant_id) if first_day is None
                  else dict(uow.points.top(tenant_id, since=first_day, limit=size)))
        # The names of the agents ranked; of every agent when fewer than `size` have points.
        names = uow.agents.names(tenant_id, list(points) if len(points) >= size else None)
        ranked = sorted(names, key=lambda i: (-points.get(i, 0), names[i].name, i))[:size]
        totals = points if first_day is None else uow.points.totals(tenant_id, ranked)
        records = uow.agents.conversion_counts(tenant_id, ranked)
        recent = uow.points.recent_work(tenant_id, since=recent_since(today), agent_ids=ranked)
        in_window = ({} if first_day is None
                     else uow.points.recent_work(tenant_id, since=first_day, agent_ids=ranked))
        badges: dict[int, list[BadgeKind]] = {}
        for award in uow.points.badges(tenant_id, ranked):
            badges.setdefault(award.agent_id, []).append(award.badge)
    standings = []
    for rank, agent_id in enumerate(ranked, start=1):
        record = records.get(agent_id, NO_CLOSED_LEADS)
        conversions = (record.converted if first_day is None
                       else in_window.get(agent_id, RecentWork()).conversions)
        standings.append(AgentStanding(
            rank=rank, agent_id=agent_id, name=names[agent_id].name, team=names[agent_id].team,
            points=points.get(agent_id, 0), total_points=totals.get(agent_id, 0),
            level=level_of(totals.get(agent_id, 0)), badges=tuple(badges.get(agent_id, ())),
            conversions=conversions, record=record,
            performance=performance_of(record, recent.get(agent_id, RecentWork()))))
    return standings


@dataclass(frozen=True)
class AgentHistory:
    agent_id: int
    name: str
    entries: list[PointsEntry]   # oldest first
    badges: list[BadgeAward]


@retry_on_conflict
def agent_history(uow: UnitOfWork, actor: Actor, agent_id: int) -> AgentHistory:
    """One agent's points and badges over time (the agents tab's selection)."""
    actor.require(Permission.VIEW_DASHBOARDS)
    with uow:
        agent = uow.agents.get(actor.tenant_id, agent_id)
        if agent is None:
            raise NotFound(f"Agent #{agent_id} does not exist in your tenant.")
        return AgentHistory(agent.id, agent.name, uow.points.entries(actor.tenant_id, agent.id),
                            uow.points.badges(actor.tenant_id, [agent.id]))
