"""Reading the audit log: the actor's tenant only, newest first, filtered, paged, exportable,
and for managers and admins only."""

from datetime import date, datetime

import pytest

from core.audit.log import audit_page
from core.domain.audit import AuditEntry, AuditFilters
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.exports import ExportFormat
from core.exports.export import export_audit_log
from tests.unit.builders import ADMIN, MANAGER, SUPERVISOR
from tests.unit.fakes import FakeUnitOfWork


def entry(action, actor="sup", entity_id="1", tenant_id=1, batch_id=None):
    return AuditEntry(tenant_id=tenant_id, actor_user_id=1, actor_name=actor, action=action,
                      entity_type=action.split(".")[0], entity_id=entity_id, before={"status": "new"},
                      after={"status": "assigned"}, reason="why", batch_id=batch_id)


def logged() -> FakeUnitOfWork:
    """Five rows of tenant 1 on 20, 21, 22, 23 and 24 November, one of tenant 2."""
    now = [datetime(2026, 11, 20, 9, 0)]
    uow = FakeUnitOfWork(clock=lambda: now[0])
    for day, row in enumerate([entry("lead.assigned"), entry("lead.status_changed", actor="ana"),
                               entry("agent.capacity_changed", entity_id="10"),
                               entry("lead.assigned", entity_id="2", batch_id="b-1"),
                               entry("bulk.assigned", entity_id="b-1", batch_id="b-1")], start=20):
        now[0] = datetime(2026, 11, day, 9, 0)
        uow.audit.append(row)
    uow.audit.append(entry("lead.assigned", tenant_id=2))
    return uow


def actions(rows):
    return [r.action for r in rows]


def test_the_log_is_the_tenants_rows_newest_first_in_pages():
    first = audit_page(logged(), MANAGER, AuditFilters(), page_size=2)
    assert actions(first.rows) == ["bulk.assigned", "lead.assigned"] and first.total == 5
    assert first.pager.pages == 3
    last = audit_page(logged(), MANAGER, AuditFilters(), page=3, page_size=2)
    record = last.rows[0]
    assert (record.action, record.id, record.at, record.before_json, record.after_json, record.reason) == (
        "lead.assigned", 1, datetime(2026, 11, 20, 9, 0), '{"status":"new"}', '{"status":"assigned"}', "why")


@pytest.mark.parametrize("filters, expected", [
    (AuditFilters(action="lead."), ["lead.assigned", "lead.status_changed", "lead.assigned"]),
    (AuditFilters(actor_name="ana"), ["lead.status_changed"]),
    (AuditFilters(entity_type="agent", entity_id="10"), ["agent.capacity_changed"]),
    (AuditFilters(batch_id="b-1"), ["bulk.assigned", "lead.assigned"]),
    (AuditFilters(since=date(2026, 11, 21), until=date(2026, 11, 22)),
     ["agent.capacity_changed", "lead.status_changed"]),
])
def test_each_filter_narrows_the_log(filters, expected):
    page = audit_page(logged(), ADMIN, filters)
    assert actions(page.rows) == expected and page.total == len(expected)


@pytest.mark.parametrize("filters, message", [
    (AuditFilters(since=date(2026, 11, 23), until=date(2026, 11, 21)), "'from' date is after the 'to' date"),
    (AuditFilters(actor_name="x" * 65), "limited to 64 characters"),
])
def test_bad_filters_are_refused(filters, message):
    with pytest.raises(InvalidInput, match=message):
        audit_page(logged(), MANAGER, filters)


def test_supervisors_may_neither_read_nor_export_the_log():
    with pytest.raises(PermissionDenied, match="view the audit log"):
        audit_page(logged(), SUPERVISOR, AuditFilters())
    with pytest.raises(PermissionDenied, match="view the audit log"):
        export_audit_log(logged(), SUPERVISOR, AuditFilters(), ExportFormat.CSV)


def test_an_export_holds_every_matching_row_up_to_its_limit():
    assert export_audit_log(logged(), MANAGER, AuditFilters(), ExportFormat.CSV).rows == 5
    with pytest.raises(InvalidInput, match="More than 2 rows match: an export holds at most 2 rows"):
        export_audit_log(logged(), MANAGER, AuditFilters(), ExportFormat.CSV, max_rows=2)
    one_batch = AuditFilters(batch_id="b-1")
    assert export_audit_log(logged(), MANAGER, one_batch, ExportFormat.CSV, max_rows=2).rows == 2


@pytest.mark.parametrize("size", [0, -1])
def test_a_page_size_below_one_is_refused(size):
    with pytest.raises(InvalidInput):
        audit_page(logged(), MANAGER, AuditFilters(), page_size=size)


def test_an_export_is_itself_audited():
    uow = logged()
    export_audit_log(uow, MANAGER, AuditFilters(), ExportFormat.CSV)
    assert len(uow.audit.entries) == 7
    exported = uow.audit.entries[-1]
    assert (exported.action, exported.actor_name, exported.after["rows"]) == ("export.created", "man", 5)
