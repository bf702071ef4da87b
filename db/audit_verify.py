"""Walk every audit chain of every tenant and name the first row of each that does not hold."""

from dataclasses import dataclass

from sqlalchemy import Engine, select

from core.domain.audit_chain import CHAINS, LEGACY_CHAIN, ChainBreak, ChainHead, ChainWalk
from db.audit_key import audit_key_of
from db.audit_rows import chained_rows
from db.models import AuditHead, AuditRow, Tenant


@dataclass(frozen=True)
class TenantChainBreak:
    tenant_slug: str
    broken: ChainBreak

    @property
    def sentence(self) -> str:
        where = f"row id {self.broken.row_id}" if self.broken.row_id else "a row"
        return (f"tenant {self.tenant_slug}, chain {self.broken.chain}: {where} at seq "
                f"{self.broken.seq}: {self.broken.problem}")


def verify_audit_chains(engine: Engine) -> tuple[int, list[TenantChainBreak]]:
    """Returns (rows checked, the first break of each broken chain)."""
    key = audit_key_of(engine)
    checked, breaks = 0, []
    with engine.connect() as connection:
        tenants = connection.execute(select(Tenant.id, Tenant.slug).order_by(Tenant.slug)).all()
        for tenant_id, slug in tenants:
            rows = connection.execute(select(AuditHead.table()).where(AuditHead.tenant_id == tenant_id))
            heads = {row.chain: ChainHead(tenant_id, row.chain, row.seq, row.head_hash, row.head_mac)
                     for row in rows}
            with_rows = set(connection.scalars(
                select(AuditRow.chain).where(AuditRow.tenant_id == tenant_id).distinct()))
            # Every keyed chain must exist; the legacy chain only where the tenant had one.
            expected = set(range(1, CHAINS + 1)) | ({LEGACY_CHAIN} & (set(heads) | with_rows))
            for chain in sorted(expected | with_rows):
                walk = ChainWalk(key, chain)
                for row in chained_rows(connection, tenant_id, chain) if chain in with_rows else ():
                    checked += 1
                    walk.feed(row)
                broken = walk.finish(heads.get(chain))
                if broken is not None:
                    breaks.append(TenantChainBreak(slug, broken))
    return checked, breaks
