"""`cli.py check` for gamification: each agent's stored points total equals the sum of its
ledger entries (docs/design.md §6: totals are always the sum of the ledger)."""

from sqlalchemy import Connection, func, select

from db.models import Agent, PointsEntry, Tenant


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
