"""Browsing the audit log a screen at a time, newest first, by keyset: each screen starts
after the (at, id) where the one before ended, so no screen skips or counts the rows before it
(at a million rows, OFFSET and COUNT(*) cost more than the screen; docs/search-and-audit.md).
Going back to newer rows is reading a screen again from the cursor that opened it (the page
keeps them), so every read scans the indexes one way: newest first."""

from core.domain.audit import AuditCursor, AuditFilters, AuditScreen
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_SCREEN_ROWS = 200


@retry_on_conflict
def audit_screen(uow: UnitOfWork, actor: Actor, filters: AuditFilters, *,
                 older_than: AuditCursor | None = None, size: int = 50) -> AuditScreen:
    """The newest `size` matching rows, or those just older than a screen's last row."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    filters = filters.validated()
    if not 1 <= size <= MAX_SCREEN_ROWS:
        raise InvalidInput(f"A screen of the audit log holds 1-{MAX_SCREEN_ROWS} rows.")
    with uow:
        rows = uow.audit_reader.screen(actor.tenant_id, filters, older_than=older_than,
                                       limit=size + 1)  # one more than shown says whether there is more
    return AuditScreen(rows[:size], has_newer=older_than is not None, has_older=len(rows) > size)


@retry_on_conflict
def audit_actions(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The actions the tenant's log holds, for the action filter."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    with uow:
        return uow.audit_reader.actions(actor.tenant_id)
