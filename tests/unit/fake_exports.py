"""Whole lists for exports in memory, as db/queries/exports.py reads them: counted up to a
limit, then handed over a chunk at a time (the fake counts the chunks it handed over)."""

from collections.abc import Iterator

from core.domain.audit import AuditFilters, AuditRecord
from core.domain.leads import LeadFilters, LeadRow
from tests.unit.fake_audit import FakeAuditReader
from tests.unit.fake_leads import FakeLeads
from tests.unit.fake_store import Store


class FakeExports:
    def __init__(self, store: Store) -> None:
        self._store, self._leads, self._audit = store, FakeLeads(store), FakeAuditReader(store)
        self.chunks_read = 0

    def agent_names(self, tenant_id: int) -> dict[int, str]:
        return {agent.id: agent.name for agent in self._store.agents.values() if agent.tenant_id == tenant_id}

    def count_leads(self, tenant_id: int, filters: LeadFilters, *, limit: int) -> int:
        return self._leads.search(tenant_id, filters, offset=0, limit=0, count_limit=limit)[1] or 0

    def lead_chunks(self, tenant_id: int, filters: LeadFilters, *, size: int) -> Iterator[list[LeadRow]]:
        offset = 0
        while rows := self._leads.search(tenant_id, filters, offset=offset, limit=size, count_limit=None)[0]:
            self.chunks_read += 1
            yield rows
            offset += size

    def count_audit(self, tenant_id: int, filters: AuditFilters, *, limit: int) -> int:
        return min(self._audit.page(tenant_id, filters, offset=0, limit=0)[1], limit + 1)

    def audit_chunks(self, tenant_id: int, filters: AuditFilters, *,
                     size: int) -> Iterator[list[AuditRecord]]:
        offset = 0
        while rows := self._audit.page(tenant_id, filters, offset=offset, limit=size)[0]:
            self.chunks_read += 1
            yield rows
            offset += size
