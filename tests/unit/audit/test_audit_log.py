"""Exporting the audit log: every matching row up to a limit, for managers and admins only.
(Its screens: test_audit_screens.py.)"""

from datetime import datetime

import pytest

from core.domain.audit import AuditEntry, AuditFilters
from core.domain.errors import InvalidInput, PermissionDenied
from core.domain.exports import ExportFormat
from core.exports.export import export_audit_log
from tests.unit.builders import MANAGER, SUPERVISOR
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


def test_supervisors_may_not_export_the_log():
    with pytest.raises(PermissionDenied, match="view the audit log"):
        export_audit_log(logged(), SUPERVISOR, AuditFilters(), ExportFormat.CSV)


def test_an_export_holds_every_matching_row_up_to_its_limit():
    assert export_audit_log(logged(), MANAGER, AuditFilters(), ExportFormat.CSV).rows == 5
    with pytest.raises(InvalidInput, match="More than 2 rows match: an export holds at most 2 rows"):
        export_audit_log(logged(), MANAGER, AuditFilters(), ExportFormat.CSV, max_rows=2)
    one_batch = AuditFilters(batch_id="b-1")
    assert export_audit_log(logged(), MANAGER, one_batch, ExportFormat.CSV, max_rows=2).rows == 2


def test_an_export_is_itself_audited():
    uow = logged()
    export_audit_log(uow, MANAGER, AuditFilters(), ExportFormat.CSV)
    assert len(uow.audit.entries) == 7
    exported = uow.audit.entries[-1]
    assert (exported.action, exported.actor_name, exported.after["rows"]) == ("export.created", "man", 5)
