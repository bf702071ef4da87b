"""Browsing the audit log by keyset screens: the actor's tenant only, newest first by (at, id),
no row skipped or shown twice, filters combined; for managers and admins only."""

from datetime import date, datetime

import pytest

from core.audit.browse import audit_actions, audit_screen
from core.domain.audit import AuditEntry, AuditFilters
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.users import UserRecord
from tests.unit.builders import ADMIN, MANAGER, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork

BATCH = "3f2a9c1e-0000-4000-8000-000000000001"


def entry(action, actor="sup", entity_id="1", tenant_id=1, batch_id=None, reason="why"):
    return AuditEntry(tenant_id=tenant_id, actor_user_id=1, actor_name=actor, action=action,
                      entity_type=action.split(".")[0], entity_id=entity_id, before={"status": "new"},
                      after={"status": "assigned"}, reason=reason, batch_id=batch_id)


def user(user_id, username, name):
    return UserRecord(id=user_id, tenant_id=1, username=username, name=name, email=None, role="supervisor",
                      password_hash="x", failed_logins=0, locked_until=None, is_active=True)


def logged() -> FakeUnitOfWork:
    """Five rows of tenant 1 on 20, 21, 22, 23 and 24 November, one of tenant 2."""
    now = [datetime(2026, 11, 20, 9, 0)]
    uow = FakeUnitOfWork(clock=lambda: now[0],
                         users=[user(1, "sup", "Sam Super"), user(5, "ana", "Ana Ruiz")])
    for day, row in enumerate([entry("lead.assigned"), entry("lead.status_changed", actor="ana",
                                                             reason="No budget this quarter"),
                               entry("agent.capacity_changed", entity_id="10"),
                               entry("lead.assigned", entity_id="2", batch_id=BATCH),
                               entry("bulk.assigned", entity_id=BATCH, batch_id=BATCH)], start=20):
        now[0] = datetime(2026, 11, day, 9, 0)
        uow.audit.append(row)
    uow.audit.append(entry("lead.assigned", tenant_id=2))
    return uow


def same_time(count: int) -> FakeUnitOfWork:
    """`count` rows of tenant 1 written in one transaction: all at the same time."""
    uow = FakeUnitOfWork(clock=lambda: datetime(2026, 11, 20, 9, 0))
    uow.audit.append_many([entry("lead.assigned", entity_id=str(i)) for i in range(count)])
    return uow


def actions(rows):
    return [r.action for r in rows]


def test_the_first_screen_is_the_newest_rows_and_says_there_are_older():
    first = audit_screen(logged(), MANAGER, AuditFilters(), size=2)
    assert actions(first.rows) == ["bulk.assigned", "lead.assigned"]
    assert (first.has_newer, first.has_older) == (False, True)
    rest = audit_screen(logged(), MANAGER, AuditFilters(), older_than=first.rows[-1].cursor, size=10)
    record = rest.rows[-1]
    assert (record.action, record.id, record.at, record.before_json, record.after_json, record.reason) == (
        "lead.assigned", 1, datetime(2026, 11, 20, 9, 0), '{"status":"new"}', '{"status":"assigned"}', "why")


def test_older_screens_walk_every_row_once_even_at_equal_times_and_read_again_the_same():
    uow = same_time(7)
    cursors, screen = [None], audit_screen(uow, ADMIN, AuditFilters(), size=3)
    pages = [screen]
    while screen.has_older:
        cursors.append(screen.rows[-1].cursor)
        screen = audit_screen(uow, ADMIN, AuditFilters(), older_than=cursors[-1], size=3)
        pages.append(screen)
    assert [r.id for p in pages for r in p.rows] == [7, 6, 5, 4, 3, 2, 1]
    assert [len(p.rows) for p in pages] == [3, 3, 1] and pages[-1].has_newer and not pages[0].has_newer
    # Newer: the screen before, read again from the cursor that opened it.
    assert audit_screen(uow, ADMIN, AuditFilters(), older_than=cursors[1], size=3) == pages[1]


@pytest.mark.parametrize("filters, expected", [
    (AuditFilters(action="lead.assigned"), ["lead.assigned", "lead.assigned"]),
    (AuditFilters(actor_name="ana"), ["lead.status_changed"]),
    (AuditFilters(actor_name="ruiz"), ["lead.status_changed"]),  # by display name
    (AuditFilters(actor_name="Sam Super", action="lead.assigned"), ["lead.assigned", "lead.assigned"]),
    (AuditFilters(entity_type="agent", entity_id="10"), ["agent.capacity_changed"]),
    (AuditFilters(batch_id=BATCH[:8]), ["bulk.assigned", "lead.assigned"]),  # by its short id
    (AuditFilters(batch_id=BATCH[:8], action="lead.assigned"), ["lead.assigned"]),
    (AuditFilters(reason_text="budget"), ["lead.status_changed"]),
    (AuditFilters(reason_text="budget", actor_name="sup"), []),
    (AuditFilters(since=date(2026, 11, 21), until=date(2026, 11, 22)),
     ["agent.capacity_changed", "lead.status_changed"]),
])
def test_each_filter_narrows_the_log_and_they_combine(filters, expected):
    assert actions(audit_screen(logged(), ADMIN, filters).rows) == expected


@pytest.mark.parametrize("filters, message", [
    (AuditFilters(since=date(2026, 11, 23), until=date(2026, 11, 21)), "'from' date is after the 'to' date"),
    (AuditFilters(actor_name="x" * 65), "limited to 64 characters"),
    (AuditFilters(reason_text="of a"), "word of at least 3 letters"),
    (AuditFilters(reason_text="x" * 101), "limited to 100 characters"),
])
def test_bad_filters_are_refused(filters, message):
    with pytest.raises(InvalidInput, match=message):
        audit_screen(logged(), MANAGER, filters)


@pytest.mark.parametrize("size", [0, -1, 201])
def test_a_screen_size_out_of_range_is_refused(size):
    with pytest.raises(InvalidInput):
        audit_screen(logged(), MANAGER, AuditFilters(), size=size)


def test_supervisors_may_not_browse_it_and_each_tenant_sees_its_own_actions():
    with pytest.raises(PermissionDenied, match="view the audit log"):
        audit_screen(logged(), SUPERVISOR, AuditFilters())
    with pytest.raises(PermissionDenied, match="view the audit log"):
        audit_actions(logged(), SUPERVISOR)
    assert audit_actions(logged(), MANAGER) == [
        "agent.capacity_changed", "bulk.assigned", "lead.assigned", "lead.status_changed"]
