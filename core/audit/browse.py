"""Browsing the audit log a screen at a time, newest first, by keyset: each screen starts
after the (at, id) where the last one ended, so no screen skips or counts the rows before it
(at a million rows, OFFSET and COUNT(*) cost more than the screen; docs/search-and-audit.md)."""

from core.domain.audit import AuditCursor, AuditFilters, AuditScreen
from core.domain.errors import InvalidInput
from core.domain.identity import Actor
from core.domain.permissions import Permission
from core.ports import UnitOfWork
from core.retry import retry_on_conflict

MAX_SCREEN_ROWS = 200


@retry_on_conflict
def audit_screen(uow: UnitOfWork, actor: Actor, filters: AuditFilters, *,
                 older_than: AuditCursor | None = None, newer_than: AuditCursor | None = None,
                 size: int = 50) -> AuditScreen:
    """The newest `size` matching rows (no cursor), those just older than a screen's last row,
    or those just newer than its first row. Newer rows that do not fill a screen give the first
    screen instead: a screen is never short at the top."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    filters = filters.validated()
    if not 1 <= size <= MAX_SCREEN_ROWS:
        raise InvalidInput(f"A screen of the audit log holds 1-{MAX_SCREEN_ROWS} rows.")
    if older_than and newer_than:
        raise InvalidInput("Page the audit log one way at a time: newer or older.")
    limit = size + 1  # one more than shown says whether there is more
    with uow:
        if newer_than is not None:
            newer = uow.audit_reader.screen(actor.tenant_id, filters, newer_than=newer_than, limit=limit)
            if len(newer) > size:  # oldest first: the screen is the `size` just above the cursor
                return AuditScreen(list(reversed(newer[:size])), has_newer=True, has_older=True)
        rows = uow.audit_reader.screen(actor.tenant_id, filters, older_than=older_than, limit=limit)
    return AuditScreen(rows[:size], has_newer=older_than is not None, has_older=len(rows) > size)


@retry_on_conflict
def audit_actions(uow: UnitOfWork, actor: Actor) -> list[str]:
    """The actions the tenant's log holds, for the action filter."""
    actor.require(Permission.VIEW_AUDIT_LOG)
    with uow:
        return uow.audit_reader.actions(actor.tenant_id)
