"""Reading the audit log: filtered, paginated in SQL, exportable; never changed."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from core.errors import InvalidInput
from core.identity import Actor
from core.permissions import Permission
from core.ports import UnitOfWork

MAX_EXPORT_ROWS = 50_000


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""        # prefix, e.g. "lead." or "scoring.weights_saved"
    actor_name: str = ""
    entity_type: str = ""
    entity_id: str = ""
    batch_id: str = ""
    since: date | None = None
    until: date | None = None

    def validated(self) -> "AuditFilters":
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("The 'from' date is after the 'to' date.")
        if any(len(v) > 64 for v in (self.action, self.actor_name, self.entity_type, self.entity_id,
                                     self.batch_id)):
            raise InvalidInput("Audit filters are limited to 64 characters each.")
        return self


def audit_page(uow: UnitOfWork, actor: Actor, filters: AuditFilters, *, page: int = 1,
               page_size: int = 50) -> tuple[pd.DataFrame, int]:
    actor.require(Permission.VIEW_AUDIT_LOG)
    filters = filters.validated()
    with uow:
        return uow.audit_reader.page(actor.tenant_id, filters, offset=(max(page, 1) - 1) * page_size,
                                     limit=page_size)


def audit_export(uow: UnitOfWork, actor: Actor, filters: AuditFilters) -> pd.DataFrame:
    actor.require(Permission.VIEW_AUDIT_LOG)
    actor.require(Permission.EXPORT_LEADS)
    filters = filters.validated()
    with uow:
        frame, total = uow.audit_reader.page(actor.tenant_id, filters, offset=0, limit=MAX_EXPORT_ROWS)
    if total > MAX_EXPORT_ROWS:
        raise InvalidInput(f"{total:,} rows match; narrow the filters to at most {MAX_EXPORT_ROWS:,} "
                           "to export.")
    return frame
