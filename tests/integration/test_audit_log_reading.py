"""Reading the audit log: filters in SQL, one tenant only, managers and admins only."""

from datetime import date, timedelta

import pytest

from core.audit.log import audit_page
from core.domain.audit import AuditFilters
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.leads import assignment, lifecycle
from db.unit_of_work import SqlUnitOfWork
from tests.factories import make_agent, make_lead, make_tenant, make_user


@pytest.fixture
def world(engine):
    acme, globex = make_tenant(engine, "acme"), make_tenant(engine, "globex")
    sup = Actor(make_user(engine, acme, "sup", "supervisor"), "sup", "Sup", acme, Role.SUPERVISOR)
    ana = make_agent(engine, acme, "Ana", max_capacity=5)
    leads = [make_lead(engine, acme, f"L{i}") for i in range(3)]
    for lead in leads:
        assignment.assign_lead(SqlUnitOfWork(engine), sup, lead_id=lead, agent_id=ana, note="go")
    lifecycle.change_status(SqlUnitOfWork(engine), sup, lead_id=leads[0], new_status="lost",
                            reason="no budget")
    foreign = Actor(make_user(engine, globex, "gx", "supervisor"), "gx", "Gx", globex, Role.SUPERVISOR)
    other = make_lead(engine, globex, "Foreign")
    assignment.assign_lead(SqlUnitOfWork(engine), foreign, lead_id=other,
                           agent_id=make_agent(engine, globex, "Far"))
    manager = Actor(make_user(engine, acme, "man", "manager"), "man", "Man", acme, Role.MANAGER)
    return dict(engine=engine, manager=manager, sup=sup, leads=leads)


def read(world, **filters):
    return audit_page(SqlUnitOfWork(world["engine"], read_only=True), world["manager"],
                      AuditFilters(**filters))


def test_filters_and_tenant_scope(world):
    everything = read(world)
    assert everything.total == 4 and {r.actor_name for r in everything.rows} == {"sup"}  # nothing of globex
    assert read(world, action="lead.status").total == 1
    one = read(world, entity_type="lead", entity_id=str(world["leads"][1]))
    assert one.total == 1 and [r.action for r in one.rows] == ["lead.assigned"]
    assert read(world, action="lead%").total == 0  # wildcards are literal
    assert read(world, since=date.today() + timedelta(days=1)).total == 0
    assert read(world, until=utcnow().date()).total == 4


def test_supervisors_cannot_read_it_and_bad_dates_are_refused(world):
    with pytest.raises(PermissionDenied):
        audit_page(SqlUnitOfWork(world["engine"]), world["sup"], AuditFilters())
    with pytest.raises(InvalidInput, match="after the 'to' date"):
        read(world, since=date(2026, 2, 1), until=date(2026, 1, 1))

