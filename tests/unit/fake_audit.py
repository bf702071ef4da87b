"""The audit trail in memory: each tenant's rows chained and read back newest first, as
db/repositories/audit_log.py writes them and db/queries/audit.py reads them."""

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from core.domain.audit import AuditCursor, AuditEntry, AuditFilters, AuditRecord, reason_words, to_json
from core.domain.audit_chain import GENESIS_HASH, AuditKey, row_mac
from tests.unit.fake_store import AuditRow, Store

FAKE_KEY = AuditKey(b"the fake audit trail's key")
FAKE_CHAIN = 1  # the SQL repository picks a chain per transaction; one per tenant is enough here


class FakeAudit:
    """Each tenant's rows chained as db/repositories/audit_log.py chains them."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store, self._clock = store, clock

    @property
    def rows(self) -> list[AuditRow]:
        return self._store.audit

    @property
    def entries(self) -> list[AuditEntry]:
        return [row.entry for row in self.rows]

    def append(self, entry: AuditEntry) -> None:
        self.append_many([entry])

    def append_many(self, entries: Sequence[AuditEntry]) -> None:
        at = self._clock()
        for entry in entries:
            head = next((r for r in reversed(self.rows) if r.entry.tenant_id == entry.tenant_id), None)
            seq, prev_hash = (head.seq, head.row_hash) if head else (0, GENESIS_HASH)
            self.rows.append(AuditRow(len(self.rows) + 1, entry, seq + 1, at, prev_hash,
                                      row_mac(FAKE_KEY, chain=FAKE_CHAIN, prev_hash=prev_hash,
                                              seq=seq + 1, at=at, entry=entry)))


class FakeAuditReader:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _found(self, tenant_id: int, filters: AuditFilters) -> list[AuditRow]:
        """Matching rows, newest first by (at, id)."""
        return sorted((r for r in self._store.audit if self._matches(r, tenant_id, filters)),
                      key=lambda r: (r.at, r.id), reverse=True)

    def page(self, tenant_id: int, filters: AuditFilters, *, offset: int,
             limit: int) -> tuple[list[AuditRecord], int]:
        found = self._found(tenant_id, filters)
        return [_record(r) for r in found[offset:offset + limit]], len(found)

    def screen(self, tenant_id: int, filters: AuditFilters, *, limit: int,
               older_than: AuditCursor | None = None) -> list[AuditRecord]:
        found = self._found(tenant_id, filters)
        if older_than is not None:
            found = [r for r in found if (r.at, r.id) < (older_than.at, older_than.id)]
        return [_record(r) for r in found[:limit]]

    def actions(self, tenant_id: int) -> list[str]:
        return sorted({r.entry.action for r in self._store.audit if r.entry.tenant_id == tenant_id})

    def _actor_names(self, tenant_id: int, typed: str) -> set[str]:
        wanted = typed.strip().lower()
        return {u.username for u in self._store.users.values() if u.tenant_id == tenant_id
                and (u.username.lower() == wanted or wanted in u.name.lower())} or {wanted}

    def _matches(self, row: AuditRow, tenant_id: int, f: AuditFilters) -> bool:
        e = row.entry
        return (e.tenant_id == tenant_id and (not f.action or e.action == f.action)
                and (not f.actor_name or e.actor_name in self._actor_names(tenant_id, f.actor_name))
                and (not f.entity_type or e.entity_type == f.entity_type)
                and (not f.entity_id or e.entity_id == f.entity_id)
                and (not f.batch_id or (e.batch_id or "").startswith(f.batch_id.strip().lower()))
                and (not f.since or row.at >= datetime.combine(f.since, time.min))
                and (not f.until or row.at < datetime.combine(f.until + timedelta(days=1), time.min))
                and all(w.lower() in (e.reason or "").lower() for w in reason_words(f.reason_text)))


def _record(row: AuditRow) -> AuditRecord:
    e = row.entry
    return AuditRecord(row.at, e.actor_name, e.action, e.entity_type, e.entity_id, to_json(e.before),
                       to_json(e.after), e.reason, e.batch_id, row.id)
