"""Exporting the audit log (its screens: core/audit/browse.py); never changed."""

from core.domain.audit import AuditFilters, AuditRecord
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_EXPORT_ROWS = 50_000


@retry_on_conflict
def audit_export(uow: UnitOfWork, actor: Actor, filters: AuditFilters) -> list[AuditRecord]:
    actor.require(Permission.VIEW_AUDIT_LOG)
    actor.require(Permission.EXPORT_LEADS)
    filters = filters.validated()
    with uow:
        rows, total = uow.audit_reader.page(actor.tenant_id, filters, offset=0, limit=MAX_EXPORT_ROWS)
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(f"{total:,} rows match; narrow the filters to at most {MAX_EXPORT_ROWS:,} "
                           "to export.")
    return rows
