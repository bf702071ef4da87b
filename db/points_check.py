"""`cli.py check` for gamification: each agent's stored points total, and each of its daily
totals, equal the sum of its ledger entries (docs/design.md §6: totals are always the sum of
the ledger); its closed and converted counters equal its closed leads."""

from sqlalchemy import Connection, case, func, select

from core.domain.vocabulary import CLOSED_STATUSES, LeadStatus
from db.models import Agent, AgentPointsDay, Lead, PointsEntry, Tenant


def points_violations(connection: Connection) -> list[tuple[str, str, str]]:
    """(tenant slug, agent, what is wrong) for every agent whose total is off."""
    summed = (select(PointsEntry.agent_id, func.sum(PointsEntry.points).label("points"))
              .group_by(PointsEntry.agent_id).subquery())
    ledger = func.coalesce(summed.c.points, 0)
    rows = connection.execute(
        select(Tenant.slug, Agent.id, Agent.name, Agent.points_total, ledger.label("ledger"))
        .join(Tenant, Tenant.id == Agent.tenant_id)
        .outerjoin(summed, summed.c.agent_id == Agent.id)
        .where(Agent.points_total != ledger)
        .order_by(Tenant.slug, Agent.id))
    return [(row.slug, f"agent {row.id} ({row.name})",
             f"agent {row.id} ({row.name}) has points_total={row.points_total} but its ledger "
             f"sums to {row.ledger}") for row in rows]


def daily_violations(connection: Connection) -> list[tuple[str, str, str]]:
    """(tenant slug, agent, what is wrong) for every agent whose daily totals do not add up to
    its ledger, day by day."""
    ledger = (select(PointsEntry.agent_id.label("agent_id"),
                     func.date(PointsEntry.awarded_at).label("day"),
                     func.sum(PointsEntry.points).label("points"))
              .group_by(PointsEntry.agent_id, func.date(PointsEntry.awarded_at)).subquery())
    kept = (select(AgentPointsDay.agent_id.label("agent_id"), func.date(AgentPointsDay.day).label("day"),
                   AgentPointsDay.points.label("points")).subquery())
    differing = (select(ledger.c.agent_id).outerjoin(
        kept, (kept.c.agent_id == ledger.c.agent_id) & (kept.c.day == ledger.c.day))
        .where(func.coalesce(kept.c.points, 0) != ledger.c.points)
        .union(select(kept.c.agent_id).outerjoin(
            ledger, (kept.c.agent_id == ledger.c.agent_id) & (kept.c.day == ledger.c.day))
            .where(kept.c.points != func.coalesce(ledger.c.points, 0))).subquery())
    rows = connection.execute(
        select(Tenant.slug, Agent.id, Agent.name).join(Tenant, Tenant.id == Agent.tenant_id)
        .where(Agent.id.in_(select(differing.c.agent_id))).order_by(Tenant.slug, Agent.id))
    return [(row.slug, f"agent {row.id} ({row.name})",
             f"agent {row.id} ({row.name}) has daily points totals that differ from its ledger")
            for row in rows]


def close_counter_violations(connection: Connection) -> list[tuple[str, str, str]]:
    """(tenant slug, agent, what is wrong) for every agent whose closed or converted counter
    differs from its closed leads."""
    closed = case((Lead.status.in_([s.value for s in CLOSED_STATUSES]), 1), else_=0)
    converted = case((Lead.status == LeadStatus.CONVERTED.value, 1), else_=0)
    counted = (select(Lead.agent_id, func.sum(closed).label("closed"),
                      func.sum(converted).label("converted"))
               .where(Lead.agent_id.is_not(None)).group_by(Lead.agent_id).subquery())
    recount_closed = func.coalesce(counted.c.closed, 0)
    recount_converted = func.coalesce(counted.c.converted, 0)
    rows = connection.execute(
        select(Tenant.slug, Agent.id, Agent.name, Agent.closed_leads, Agent.converted_leads,
               recount_closed.label("recount_closed"), recount_converted.label("recount_converted"))
        .join(Tenant, Tenant.id == Agent.tenant_id)
        .outerjoin(counted, counted.c.agent_id == Agent.id)
        .where((Agent.closed_leads != recount_closed) | (Agent.converted_leads != recount_converted))
        .order_by(Tenant.slug, Agent.id))
    return [(row.slug, f"agent {row.id} ({row.name})",
             f"agent {row.id} ({row.name}) has closed_leads={row.closed_leads} and "
             f"converted_leads={row.converted_leads} but holds {row.recount_closed} closed leads, "
             f"{row.recount_converted} converted") for row in rows]
