"""The capacity page's data: every agent of the actor's tenant and none of another's."""

import pytest

from core.agents.capacity import agent_capacity
from core.domain.identity import Actor
from core.domain.permissions import Role
from db.repositories.agents import SqlAgentRepository
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_tenant
from tests.support.sqlite_plans import plan_of_first


def test_capacity_is_scoped_to_the_actors_tenant(engine):
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    make_agent(engine, acme, "Ana Ruiz", max_capacity=12, open_leads=12)
    make_agent(engine, acme, "Bo Lin", max_capacity=10, open_leads=2)
    make_agent(engine, globex, "Other Tenant", max_capacity=5)
    actor = Actor(1, "sup", "Sup", acme, Role.MANAGER)
    loads, totals = agent_capacity(SqlUnitOfWork(engine, read_only=True), actor)
    assert [(a.name, a.open_leads, a.max_capacity) for a in loads] == [
        ("Ana Ruiz", 12, 12), ("Bo Lin", 2, 10)]
    assert (totals.free_slots, totals.open_leads, totals.capacity) == (8, 14, 22)
    assert totals.utilization == pytest.approx(14 / 22)


def test_open_hot_counts_read_the_status_and_category_index_on_sqlite(tmp_path):
    """Without statistics SQLite read the counts through the (tenant, agent, status) index,
    grouping in its order and looking up every assigned lead's category: 105 ms at 1M leads
    against 0.12 ms through the covering (tenant, status, category, agent) index."""
    plan = plan_of_first(tmp_path, lambda connection: SqlAgentRepository(connection).loads(1), "count(")
    assert "COVERING INDEX ix_leads_tenant_status_category" in plan, plan
