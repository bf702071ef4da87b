"""Reading the audit log: filtered, paginated in SQL; never changed. (Its export is
core/exports/export.py `export_audit_log`.)"""

from dataclasses import dataclass

from core.domain.audit import AuditFilters, AuditRecord
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.pager import Pager, offset_of
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRecord]
    total: int
    pager: Pager


@retry_on_conflict
def audit_page(uow: UnitOfWork, actor: Actor, filters: AuditFilters, *, page: int = 1,
               page_size: int = 50) -> AuditPage:
    actor.require(Permission.VIEW_AUDIT_LOG)
    filters = filters.validated()
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"Page size must be 1-{MAX_PAGE_SIZE}.")
    with uow:
        rows, total = uow.audit_reader.page(actor.tenant_id, filters, offset=offset_of(page, page_size),
                                            limit=page_size)
    return AuditPage(rows, total, Pager(page, page_size, total))
