"""Reading the audit log by keyset screens: filters in SQL, one tenant only, managers and admins
only; no row skipped or repeated from screen to screen, rows of one transaction included."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from core.audit.browse import audit_actions, audit_screen
from core.domain.audit import AuditEntry, AuditFilters
from core.domain.batches import BatchKind, short_id
from core.domain.clock import utcnow
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.identity import Actor
from core.domain.permissions import Role
from core.leads import assignment, lifecycle
from db.models import User
from db.repositories.audit_log import SqlAuditRepository
from db.repositories.bulk import SqlBulkRepository
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
    return dict(engine=engine, manager=manager, sup=sup, leads=leads, acme=acme)


def read(world, **filters):
    return audit_screen(SqlUnitOfWork(world["engine"], read_only=True), world["manager"],
                        AuditFilters(**filters), size=200).rows


def add_rows(world, count, *, actor="bulkbot", batch_id=None, reason="moved in bulk"):
    """`count` rows in one transaction: they share one time."""
    with world["engine"].begin() as connection:
        SqlAuditRepository(connection).append_many([AuditEntry(
            tenant_id=world["acme"], actor_user_id=None, actor_name=actor, action="lead.assigned",
            entity_type="lead", entity_id=str(i), reason=reason, batch_id=batch_id) for i in range(count)])


def test_filters_and_tenant_scope(world):
    everything = read(world)
    assert len(everything) == 4 and {r.actor_name for r in everything} == {"sup"}  # nothing of globex
    assert len(read(world, action="lead.status_changed")) == 1
    one = read(world, entity_type="lead", entity_id=str(world["leads"][1]))
    assert [r.action for r in one] == ["lead.assigned"]
    assert read(world, action="lead%") == []  # wildcards are literal
    assert read(world, since=date.today() + timedelta(days=1)) == []
    assert len(read(world, until=utcnow().date())) == 4
    assert audit_actions(SqlUnitOfWork(world["engine"]), world["manager"]) == [
        "lead.assigned", "lead.status_changed"]


def test_screens_walk_every_row_once_across_equal_times_and_read_again_the_same(world):
    add_rows(world, 23)  # 23 rows at one time, newer than the world's 4
    uow = lambda: SqlUnitOfWork(world["engine"], read_only=True)  # noqa: E731
    screens = [audit_screen(uow(), world["manager"], AuditFilters(), size=5)]
    while screens[-1].has_older:
        screens.append(audit_screen(uow(), world["manager"], AuditFilters(),
                                    older_than=screens[-1].rows[-1].cursor, size=5))
    ids = [r.id for s in screens for r in s.rows]
    assert len(ids) == 27 == len(set(ids)) and ids == sorted(ids, reverse=True)
    assert [len(s.rows) for s in screens] == [5, 5, 5, 5, 5, 2]
    cursors = [None, *(s.rows[-1].cursor for s in screens[:-1])]  # what opened each screen
    again = [audit_screen(uow(), world["manager"], AuditFilters(), older_than=c, size=5) for c in cursors]
    assert again == screens  # Newer reads a screen again from its cursor: the same rows
    combined = audit_screen(uow(), world["manager"], AuditFilters(actor_name="bulkbot", entity_id="7"))
    assert [(r.actor_name, r.entity_id) for r in combined.rows] == [("bulkbot", "7")]


def test_actor_by_display_name_batch_by_short_id_and_reason_words(world):
    engine = world["engine"]
    with engine.begin() as connection:
        connection.execute(update(User).where(User.username == "sup").values(name="Susan Park"))
    assert len(read(world, actor_name="park")) == 4 == len(read(world, actor_name="SUP"))
    assert read(world, actor_name="par k") == []
    batch = str(uuid.uuid4())
    with engine.begin() as connection:
        SqlBulkRepository(connection).add_batch(batch, tenant_id=world["acme"], kind=BatchKind.BULK_ASSIGN,
                                                strategy="manual", by_user_id=None, now=utcnow(), plan="[]",
                                                planned=0)
    add_rows(world, 3, batch_id=batch, reason="Quarterly reshuffle")
    add_rows(world, 2, batch_id=str(uuid.uuid4()), reason="Quarterly reshuffle")  # another batch
    in_batch = read(world, batch_id=short_id(batch))
    assert len(in_batch) == 3 and {r.batch_id for r in in_batch} == {batch}
    assert len(read(world, batch_id=batch)) == 3
    assert read(world, batch_id="ffffffff") == []
    assert [r.reason for r in read(world, reason_text="budget")] == ["no budget"]
    assert len(read(world, reason_text="quarterly")) == 5
    assert len(read(world, reason_text="Quarterly reshuffle", batch_id=short_id(batch))) == 3
    assert read(world, reason_text="budget", actor_name="bulkbot") == []


def test_supervisors_cannot_read_it_and_bad_dates_are_refused(world):
    with pytest.raises(PermissionDenied):
        audit_screen(SqlUnitOfWork(world["engine"]), world["sup"], AuditFilters())
    with pytest.raises(InvalidInput, match="after the 'to' date"):
        read(world, since=date(2026, 2, 1), until=date(2026, 1, 1))

