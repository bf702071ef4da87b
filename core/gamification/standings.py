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
from core.domain.standings import BOARD_SIZE, AgentStanding, BadgeAward, PointsEntry, Window, start_of
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
    fewer have points, the others follow with none."""
    actor.require(Permission.VIEW_DASHBOARDS)
    now = utcnow()
    since = window.first_day(now.date())
    with uow:
        agents = {a.id: a for a in uow.agents.states(actor.tenant_id)}
        teams = uow.agents.teams(actor.tenant_id)
        if since is None:
            points = uow.points.totals(actor.tenant_id)
        else:
            points = dict(uow.points.top(actor.tenant_id, since=since, limit=size))
        ranked = sorted(agents, key=lambda i: (-points.get(i, 0), agents[i].name, i))[:size]
        totals = points if since is None else uow.points.totals(actor.tenant_id, ranked)
        conversions = uow.agents.conversion_counts(actor.tenant_id, ranked,
                                                   since=start_of(since) if since else None)
        performance = performance_scores(uow, actor.tenant_id, now=now, agent_ids=ranked)
        badges: dict[int, list[BadgeKind]] = {}
        for award in uow.points.badges(actor.tenant_id, ranked):
            badges.setdefault(award.agent_id, []).append(award.badge)
    return [AgentStanding(rank=position, agent_id=i, name=agents[i].name, team=teams.get(i, ""),
                          points=points.get(i, 0), total_points=totals.get(i, 0),
                          level=level_of(totals.get(i, 0)), badges=tuple(badges.get(i, ())),
                          conversions=conversions.get(i, NO_CLOSED_LEADS), performance=performance[i])
            for position, i in enumerate(ranked, start=1)]


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
