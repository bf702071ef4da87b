"""Walk each tenant's audit chain and name the first row whose hash does not hold."""

import json
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.domain.audit import GENESIS_HASH, AuditEntry, chain_hash
from db.models import AuditHead, AuditRow, Tenant


@dataclass(frozen=True)
class ChainBreak:
    tenant_slug: str
    seq: int
    audit_id: int | None
    problem: str


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        tenant_id=row.tenant_id, actor_user_id=row.actor_user_id, actor_name=row.actor_name,
        action=row.action, entity_type=row.entity_type, entity_id=row.entity_id,
        before=json.loads(row.before_json) if row.before_json else None,
        after=json.loads(row.after_json) if row.after_json else None,
        reason=row.reason, batch_id=row.batch_id,
    )


def _rehash(prev_hash: str, row: AuditRow) -> str:
    return chain_hash(prev_hash=prev_hash, seq=row.seq, at=row.at, entry=_entry(row))


def verify_audit_chains(engine: Engine, chunk: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Returns (rows checked, first break per tenant)."""
    checked, breaks = 0, []
    with Session(engine) as session:
        tenants = session.execute(
            select(Tenant.id, Tenant.slug, AuditHead.seq, AuditHead.head_hash)
            .join(AuditHead, AuditHead.tenant_id == Tenant.id)
        ).all()
        for tenant in tenants:
            prev_hash, expected_seq, problem = GENESIS_HASH, 1, None
            last_seq = 0
            while problem is None:
                rows = session.scalars(
                    select(AuditRow).where(AuditRow.tenant_id == tenant.id, AuditRow.seq > last_seq)
                    .order_by(AuditRow.seq).limit(chunk)
                ).all()
                if not rows:
                    break
                for row in rows:
                    checked += 1
                    if row.seq != expected_seq:
                        problem = ChainBreak(tenant.slug, expected_seq, None, "row is missing")
                    elif row.prev_hash != prev_hash:
                        problem = ChainBreak(tenant.slug, row.seq, row.id, "previous hash does not match")
                    elif _rehash(prev_hash, row) != row.row_hash:
                        problem = ChainBreak(tenant.slug, row.seq, row.id, "content was changed")
                    if problem:
                        break
                    prev_hash, expected_seq, last_seq = row.row_hash, row.seq + 1, row.seq
                session.expunge_all()
            if problem is None and (tenant.seq != last_seq or tenant.head_hash != prev_hash):
                problem = ChainBreak(tenant.slug, tenant.seq, None, "newest rows were removed")
            if problem:
                breaks.append(problem)
    return checked, breaks
